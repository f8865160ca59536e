// Lab: rebuilding a worker with zero impact. The notes' sequence: kubectl drain (cordon, then
// evictions through the Eviction API), kubectl delete node, rebuild the machine and let it join
// again. A PodDisruptionBudget that allows no eviction yet, a pod nobody manages and a pod with
// an emptyDir make the drain refuse until the learner decides; a watcher started with the lab
// records availability and how each pod left, so the checks can tell evictions from deletions.
import { defineLab, removeNamespace } from '../../src/engine/sdk.ts';
import { NAMESPACE, RECORD } from './constants.ts';
import { drainNode } from './drain-node.ts';
import { readNode, restoreNodes } from './nodes.ts';
import { rebuildNode } from './rebuild-node.ts';
import { restoreToolbox } from './restore-toolbox.ts';
import { NODES, restoreStart } from './stage.ts';

export default defineLab({
  id: 'drain',
  title: 'Draining and rebuilding a node',
  summary:
    'Drain a worker under a PodDisruptionBudget that allows no eviction yet, decide what drain may remove, then delete the node and join it again with a kubeadm bootstrap token.',
  order: 40,
  // Reset brings a deleted node back, as a rebuilt machine would; the learner's own path is a join.
  needs: ['rebuild', 'join'],
  shape: { nodes: NODES },
  setup: restoreStart,
  async teardown(ctx) {
    // Deleting the record stops its watcher; a node left cordoned or deleted would take no other lab's pods.
    // Without node operations (a cluster kubelab did not make) a deleted kub2 cannot come back here.
    await ctx.kubectl(['delete', 'configmap', RECORD.name, '-n', RECORD.namespace, '--ignore-not-found']);
    await removeNamespace(ctx, NAMESPACE);
    if (ctx.nodes || (await readNode(ctx))) await restoreNodes(ctx);
  },
  exercises: [drainNode, restoreToolbox, rebuildNode],
});
