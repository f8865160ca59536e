// Exercise: cordon and drain the node. Judged on the watcher's timeline: it was cordoned, it was
// emptied of all but DaemonSet pods while cordoned, and kuard kept its budget up to then.
import { fail, isDaemonSetPod, pass, type Exercise } from '../../src/engine/sdk.ts';
import { DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE, REPLICAS } from './constants.ts';
import { clock, recorded } from './recorded.ts';
import { drain, restoreStart } from './stage.ts';
import { cordonedAt, dips, drainedAt } from './watcher/timeline.ts';

export const drainNode: Exercise = {
  id: 'drain-node',
  title: `Cordon and drain ${NODE}`,
  task: `Move every pod except DaemonSet pods off ${NODE} with kubectl drain, then confirm that the node shows SchedulingDisabled. Deployment ${DEPLOYMENT} in namespace ${NAMESPACE} must keep ${MIN_AVAILABLE} of its ${REPLICAS} replicas available.`,
  checks: [
    {
      id: 'cordoned',
      title: `${NODE} was cordoned (SchedulingDisabled)`,
      points: 1,
      timeoutMs: 2_000,
      hint: `kubectl cordon ${NODE} (kubectl drain cordons first); kubectl get nodes then shows Ready,SchedulingDisabled`,
      run: recorded((r) => {
        const c = cordonedAt(r.timeline);
        return c
          ? pass(`${NODE} cordoned at ${clock(c.t)}`)
          : fail(`${NODE} marked unschedulable`, `${NODE} has been schedulable since ${clock(r.startedAt)}`);
      }),
    },
    {
      id: 'drained',
      title: `While cordoned, ${NODE} held no pods but DaemonSet pods`,
      points: 2,
      timeoutMs: 2_000,
      hint: `kubectl drain ${NODE} --ignore-daemonsets (DaemonSet pods such as kube-proxy stay; everything else is evicted)`,
      run: recorded(async (r, ctx) => {
        const d = drainedAt(r.timeline);
        if (d) return pass(`${NODE} cordoned and empty of other pods at ${clock(d.t)}`);
        const cordoned = r.timeline.filter((s) => s.node === 'cordoned');
        if (!cordoned.length) return fail(`${NODE} cordoned, then emptied`, `${NODE} was never cordoned`);
        const now = (await ctx.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items.filter(
          (p) => !isDaemonSetPod(p),
        );
        const fewest = Math.min(...cordoned.map((s) => s.nodePods));
        return fail(
          `0 pods outside DaemonSets on cordoned ${NODE}`,
          `at least ${fewest} stayed (now: ${now.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ') || 'none'})`,
          now,
        );
      }),
    },
    {
      id: 'kept-serving',
      title: `Up to the end of the drain, ${DEPLOYMENT} kept at least ${MIN_AVAILABLE} replicas available`,
      points: 1,
      timeoutMs: 2_000,
      hint: 'evict, do not delete: kubectl drain goes through the Eviction API, which the PodDisruptionBudget can refuse; kubectl delete pod does not ask it',
      run: recorded((r) => {
        const d = drainedAt(r.timeline);
        if (!d) return fail(`a drain of ${NODE} with ${DEPLOYMENT} at ≥ ${r.budget} available`, `${NODE} has not been drained yet`);
        const before = dips(
          r.timeline.filter((s) => s.t <= d.t),
          r.budget,
        );
        return before.length === 0
          ? pass(`≥ ${r.budget} replicas available from ${clock(r.startedAt)} to the end of the drain at ${clock(d.t)}`)
          : fail(`≥ ${r.budget} replicas available`, `${before[0]!.available} available at ${clock(before[0]!.from)}`, before);
      }),
    },
  ],
  solve: drain,
  reset: restoreStart,
};
