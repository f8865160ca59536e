// Exercise: raise every worker's max pods until all replicas run. The checks judge the end
// state (what each node reports, room for every replica, all Ready, none Pending), so any way
// of restarting the kubelets with a higher limit passes, and scaling kuard down does not.
import { fail, pass, type Exercise } from '../../src/engine/sdk.ts';
import { CONTAINER_SCALE, isWorker, NOTES_SCALE, roomForKuard } from './arithmetic.ts';
import { liveCapacity, requireNodes, scaleOf } from './cluster.ts';
import { NAMESPACE } from './constants.ts';
import { restoreStall } from './stall.ts';

export const raiseMaxPods: Exercise = {
  id: 'raise-max-pods',
  title: 'Raise max pods on every worker',
  task:
    `Restart each worker's kubelet with max pods ${NOTES_SCALE.raisedMaxPods} (${CONTAINER_SCALE.raisedMaxPods} on kind; here: kubelab node set-max-pods kubN <n>) ` +
    'until every kuard replica is Ready and none is Pending.',
  checks: [
    {
      id: 'workers-raised',
      title: 'Every worker admits the raised number of pods',
      points: 2,
      hint: `kubelab node set-max-pods kub2 <n>, and the same for kub3…kub6; kubectl get node kub2 -o jsonpath='{.status.allocatable.pods}' shows the result`,
      async run(ctx) {
        const { raisedMaxPods } = await scaleOf(ctx);
        const { workers } = await liveCapacity(ctx.core);
        const low = workers.filter((w) => w.allocatable < raisedMaxPods);
        if (workers.length === 0) return fail('worker nodes', 'no node without the control-plane role');
        return low.length === 0
          ? pass(`all ${workers.length} workers admit ${workers.map((w) => w.allocatable).join('/')} pods`)
          : fail(`allocatable pods ≥ ${raisedMaxPods} on every worker`, low.map((w) => `${w.name}: ${w.allocatable}`).join(', '), workers);
      },
    },
    {
      id: 'room-for-all',
      title: 'The workers have a slot for every kuard replica',
      points: 1,
      hint: 'each worker holds its allocatable pods minus its DaemonSet and DNS pods; raise max pods until the sum covers the replicas',
      async run(ctx) {
        const { workers } = await liveCapacity(ctx.core);
        const rs = await ctx.apps.readNamespacedReplicaSet({ name: 'kuard', namespace: NAMESPACE });
        const want = Math.max(rs.spec?.replicas ?? 0, (await scaleOf(ctx)).replicas);
        const room = roomForKuard(workers);
        return room >= want
          ? pass(`room for ${room} kuard pods, ${want} wanted`)
          : fail(
              `room for ${want} kuard pods`,
              `room for ${room} (${workers.map((w) => `${w.name} ${w.allocatable}−${w.others}`).join(', ')})`,
              workers,
            );
      },
    },
    {
      id: 'all-ready',
      title: 'All replicas are Ready',
      points: 2,
      timeoutMs: 10_000,
      hint: `kubectl get rs kuard -n ${NAMESPACE}: READY must reach DESIRED; the scheduler retries Pending pods once nodes report more room`,
      async run(ctx) {
        const rs = await ctx.apps.readNamespacedReplicaSet({ name: 'kuard', namespace: NAMESPACE });
        const c = await liveCapacity(ctx.core);
        const want = rs.spec?.replicas ?? 0;
        const { replicas } = await scaleOf(ctx);
        if (want < replicas)
          return fail(
            `ReplicaSet kuard at ${replicas} replicas`,
            `it asks for ${want} (scaling down hides the limit instead of raising it)`,
          );
        return c.ready >= want
          ? pass(`${c.ready}/${want} kuard replicas Ready`)
          : fail(`${want}/${want} kuard replicas Ready`, `${c.ready}/${want} Ready, ${c.pending} Pending`);
      },
    },
    {
      id: 'none-pending',
      title: `No pod is left Pending in namespace ${NAMESPACE}`,
      points: 1,
      timeoutMs: 10_000,
      hint: `kubectl get pods -n ${NAMESPACE} --field-selector=status.phase=Pending`,
      async run(ctx) {
        const pending = (await ctx.core.listNamespacedPod({ namespace: NAMESPACE, fieldSelector: 'status.phase=Pending' })).items;
        return pending.length === 0
          ? pass('no Pending pods')
          : fail('0 Pending pods', `${pending.length} Pending (e.g. ${pending[0]!.metadata?.name})`);
      },
    },
  ],
  async solve(ctx) {
    const workers = (await ctx.core.listNode()).items.filter(isWorker).map((n) => n.metadata!.name!);
    const { raisedMaxPods } = await scaleOf(ctx);
    for (const node of workers) await requireNodes(ctx).setMaxPods(node, raisedMaxPods);
  },
  async reset(ctx) {
    await restoreStall(ctx);
  },
};
