// Lab: rebuilding a worker with zero impact. The notes' sequence: kubectl drain (cordon, then
// evictions through the Eviction API), kubectl delete node, rebuild the machine so that it
// registers again, back in service. A PodDisruptionBudget keeps kuard serving, and a watcher
// started with the lab records its availability, so the checks can tell whether it held.
import { defineLab } from '../../src/engine/sdk.ts';
import { NAMESPACE, NODE, RECORD } from './constants.ts';
import { drainNode } from './drain-node.ts';
import { rebuildNode } from './rebuild-node.ts';
import { NODES, readNode, restoreStart } from './stage.ts';

export default defineLab({
  id: 'drain',
  title: 'Draining and rebuilding a node',
  summary:
    'Cordon and drain a worker under a PodDisruptionBudget, delete it, rebuild it and bring it back, without kuard ever dropping below its budget.',
  order: 40,
  // The deleted node must come back, as a rebuilt machine would.
  needs: ['rebuild'],
  shape: { nodes: NODES },
  setup: restoreStart,
  async teardown(ctx) {
    // Deleting the record stops its watcher; a node left cordoned would take no other lab's pods.
    await ctx.kubectl(['delete', 'configmap', RECORD.name, '-n', RECORD.namespace, '--ignore-not-found']);
    await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=300s']);
    if (await readNode(ctx, NODE)) await ctx.kubectl(['uncordon', NODE]);
  },
  exercises: [drainNode, rebuildNode],
});
