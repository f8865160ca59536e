// Lab: the max-pods limit. The notes' experiment: a kuard ReplicaSet of 800 replicas on five
// workers stops at 544 Ready, because each kubelet admits at most 110 pods (--max-pods) and the
// DaemonSet and DNS pods on a worker use some of those slots; --max-pods=250 lets all 800 run.
import { defineLab } from '../../src/engine/sdk.ts';
import { ANSWERS, NAMESPACE, STALL } from './constants.ts';
import { observeStall } from './observe-stall.ts';
import { raiseMaxPods } from './raise-max-pods.ts';
import { NODES, restoreStall } from './stall.ts';

export default defineLab({
  id: 'max-pods',
  title: 'The max-pods limit',
  summary:
    '800 kuard replicas on five workers stall at the kubelet’s 110-pod limit; find out why, then raise max pods to 250 (on kind, with real containers: 70 replicas, 12 raised to 24).',
  order: 30,
  // Setting the stage and the fix both restart kubelets with another max pods.
  needs: ['kubelet-config'],
  shape: { nodes: NODES },
  async setup(ctx) {
    await restoreStall(ctx);
  },
  async teardown(ctx) {
    // The replicas fill every worker: another lab would find no room.
    await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=300s']);
    await ctx.kubectl(['delete', 'configmap', STALL.name, ANSWERS.name, '-n', STALL.namespace, '--ignore-not-found']);
  },
  exercises: [observeStall, raiseMaxPods],
});
