// Exercise: delete the drained node, rebuild it, put it back in service. Judged on the watcher's
// timeline (deleted only once drained, the budget held throughout) and on the node as it is now.
import { fail, isReady, pass, type Exercise } from '../../src/engine/sdk.ts';
import { DEPLOYMENT, MIN_AVAILABLE, NODE, REPLICAS } from './constants.ts';
import { clock, rebuiltState, recorded } from './recorded.ts';
import { deleteNode, drain, readNode, requireNodes, restoreStart } from './stage.ts';
import { watcherAlive } from './watcher/record.ts';
import { deletions, dips, unsafeDeletions } from './watcher/timeline.ts';

export const rebuildNode: Exercise = {
  id: 'rebuild-node',
  title: `Delete ${NODE}, rebuild it and put it back in service`,
  task: `With ${NODE} drained, delete its Node object, rebuild the machine (here: kubelab node rebuild ${NODE}), and make sure it is Ready and schedulable again, all without ${DEPLOYMENT} dropping below its budget.`,
  checks: [
    {
      id: 'deleted-when-empty',
      title: `${NODE} was deleted only once it was cordoned and drained`,
      points: 2,
      timeoutMs: 2_000,
      hint: `kubectl drain ${NODE} --ignore-daemonsets first, then kubectl delete node ${NODE}`,
      run: recorded((r) => {
        const all = deletions(r.timeline);
        if (!all.length)
          return fail(`kubectl delete node ${NODE} after a drain`, `${NODE} has not been deleted since ${clock(r.startedAt)}`);
        const bad = unsafeDeletions(r.timeline)[0];
        if (bad) {
          const state = bad.before.node === 'cordoned' ? 'cordoned' : 'still schedulable';
          return fail(
            `${NODE} cordoned and empty when deleted`,
            `deleted at ${clock(bad.t)} while ${state}, holding ${bad.before.nodePods} pods outside DaemonSets`,
            [bad],
          );
        }
        return pass(`${NODE} deleted at ${clock(all[0]!.t)}, cordoned and drained`);
      }),
    },
    {
      id: 'rebuilt',
      title: `${NODE} registered again as a new node`,
      points: 1,
      timeoutMs: 2_000,
      hint: `kubelab node rebuild ${NODE} (a rebuilt machine joins again under the same name)`,
      run: recorded(async (r, ctx) => {
        const node = await readNode(ctx, NODE);
        const problem = rebuiltState(node, r);
        return problem
          ? fail(`${NODE} registered again (a new uid)`, problem)
          : pass(`${NODE} registered again (uid ${node!.metadata!.uid!.slice(0, 8)}…)`);
      }),
    },
    {
      id: 'back-in-service',
      title: `The rebuilt ${NODE} is Ready and schedulable`,
      points: 2,
      timeoutMs: 5_000,
      hint: `kubectl get nodes must show ${NODE} Ready without SchedulingDisabled; kubectl uncordon ${NODE} if it is still cordoned`,
      run: recorded(async (r, ctx) => {
        const node = await readNode(ctx, NODE);
        const problem = rebuiltState(node, r);
        if (problem) return fail(`a rebuilt ${NODE}, Ready and schedulable`, problem);
        const state = [isReady(node!) ? 'Ready' : 'NotReady', ...(node!.spec?.unschedulable ? ['SchedulingDisabled'] : [])].join(',');
        return state === 'Ready' ? pass(`${NODE} is Ready and schedulable`) : fail(`${NODE} Ready`, `${NODE} ${state}`, [node]);
      }),
    },
    {
      id: 'budget-held',
      title: `${DEPLOYMENT} never had fewer than ${MIN_AVAILABLE} replicas available`,
      points: 3,
      hint: 'evict through kubectl drain (which honours the PodDisruptionBudget) before deleting the node; never delete pods or the node while they still serve',
      run: recorded((r) => {
        if (!watcherAlive(r)) {
          return fail(
            'the availability watcher running',
            `its last heartbeat was at ${clock(r.heartbeat)}: it stopped (was the cluster down?), so the record may have a gap — kubelab reset drain starts it again`,
          );
        }
        const dropped = dips(r.timeline, r.budget);
        if (dropped.length) {
          const worst = Math.min(...dropped.map((d) => d.available));
          const first = dropped[0]!;
          return fail(
            `≥ ${r.budget} of ${REPLICAS} replicas available throughout`,
            `${dropped.length} drop(s), down to ${worst} available (first at ${clock(first.from)}${first.to ? ` for ${((first.to - first.from) / 1000).toFixed(1)} s` : ', still'})`,
            dropped,
          );
        }
        return pass(`never fewer than ${r.lowest?.available ?? REPLICAS} available (budget ${r.budget}) since ${clock(r.startedAt)}`);
      }),
    },
  ],
  async solve(ctx) {
    await drain(ctx);
    await deleteNode(ctx);
    await requireNodes(ctx).rebuild(NODE);
    await ctx.kubectl(['uncordon', NODE]);
  },
  reset: restoreStart,
};
