// Lab: the max-pods limit. The notes' experiment: a kuard ReplicaSet of 800 replicas on five
// workers stops short of all Ready, because each kubelet admits a limited number of pods and
// the DaemonSet and DNS pods on a worker use some of those slots; raising the kubelet's max pods
// to 250 lets all 800 run. The learner finds the numbers with kubectl, then raises maxPods in
// each worker's kubelet configuration file and restarts the kubelet.
import { defineLab, removeNamespace } from '../../src/engine/sdk.ts';
import { ANSWERS, NAMESPACE, STALL } from './constants.ts';
import { observeStall } from './observe-stall.ts';
import { raiseMaxPods } from './raise-max-pods.ts';
import { NODES, restoreKubeletConfigMap, restoreStall } from './stall.ts';

export default defineLab({
  id: 'max-pods',
  title: 'The max-pods limit',
  summary:
    '800 kuard replicas on five workers stop short of all Ready although the machines are idle; find the limit and the arithmetic with kubectl, then raise maxPods to 250 in each worker’s kubelet configuration (on kind, with real containers: 70 replicas, raised to 24).',
  order: 30,
  // Setting the stage and the fix both restart kubelets with another configuration file.
  needs: ['kubelet-config'],
  shape: { nodes: NODES },
  async setup(ctx) {
    await restoreStall(ctx);
  },
  async teardown(ctx) {
    // The replicas fill every worker: another lab would find no room.
    await removeNamespace(ctx, NAMESPACE);
    await ctx.kubectl(['delete', 'configmap', STALL.name, ANSWERS.name, '-n', STALL.namespace, '--ignore-not-found']);
    // kubeadm copies its ConfigMap into the file of every node that joins later. Only on clusters
    // kubelab made: elsewhere a maxPods there is the administrator's own.
    if (ctx.nodes) await restoreKubeletConfigMap(ctx);
  },
  exercises: [observeStall, raiseMaxPods],
});
