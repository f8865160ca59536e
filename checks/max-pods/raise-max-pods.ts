// Exercise: raise every worker's max pods where the kubelet takes it from, its configuration
// file, and restart it, until all replicas run. The checks read the configuration each kubelet
// runs with (its /configz) rather than what its Node reports, so a status patch, which a kubelet
// overwrites when it restarts, does not pass; nor does scaling kuard down.
import type { V1Node } from '@kubernetes/client-node';
import { type Check, type Exercise, fail, ignoreNotFound, pass, type SolutionContext } from '../../src/engine/sdk.ts';
import { scaleFor } from './arithmetic.ts';
import { liveCapacity, requireShell, runningMaxPods, scaleOf, workerNodes } from './cluster.ts';
import { setMaxPodsCommand } from './commands.ts';
import { CONTAINER_SCALE, NAMESPACE, NOTES_SCALE } from './constants.ts';
import { restoreStall } from './stall.ts';

type Shortfall = 'unreadable' | 'status-only' | 'low';

/** Why a worker's kubelet does not count as raised, or undefined when it does. */
function shortfall(node: V1Node, running: number | undefined, raised: number): Shortfall | undefined {
  if (running === undefined) return 'unreadable';
  if (running >= raised) return undefined;
  return Number(node.status?.allocatable?.pods) >= raised ? 'status-only' : 'low';
}

const SAY: Record<Shortfall, (raised: number) => string> = {
  unreadable: () => 'the configuration their kubelets run with cannot be read',
  'status-only': (raised) =>
    `the Node reports ${raised} pods or more, but the kubelet runs with fewer: only the Node's status was changed, which the kubelet overwrites when it restarts`,
  low: (raised) => `the kubelet runs with maxPods below ${raised} (a kubelet reads its configuration file only when it starts)`,
};

/** One phrase per kind of shortfall, naming its workers: "kub2, kub3: the kubelet runs with …". */
function describeShortfalls(names: string[], found: (Shortfall | undefined)[], raised: number): string {
  return (Object.keys(SAY) as Shortfall[])
    .map((kind) => [names.filter((_, i) => found[i] === kind), kind] as const)
    .filter(([which]) => which.length > 0)
    .map(([which, kind]) => `${which.join(', ')}: ${SAY[kind](raised)}`)
    .join('; ');
}

const kubeletsRaised: Check = {
  id: 'kubelets-raised',
  title: 'Every worker’s kubelet runs with the raised max pods',
  points: 3,
  hint: 'set maxPods in each worker’s kubelet configuration file (kubelab node kubelet-config kub2 says where it is), then restart that kubelet',
  async run(ctx) {
    const { raisedMaxPods } = await scaleOf(ctx);
    const workers = await workerNodes(ctx.core);
    if (workers.length === 0) return fail('worker nodes', 'no node without the control-plane role');
    const running = await Promise.all(workers.map((node) => runningMaxPods(ctx, node)));
    const found = workers.map((node, i) => shortfall(node, running[i], raisedMaxPods));
    return found.every((f) => f === undefined)
      ? pass(`all ${workers.length} workers’ kubelets run with maxPods ${running.join('/')}`)
      : fail(
          `every worker’s kubelet running with maxPods ≥ ${raisedMaxPods}`,
          describeShortfalls(
            workers.map((n) => n.metadata?.name ?? '?'),
            found,
            raisedMaxPods,
          ),
        );
  },
};

const allReady: Check = {
  id: 'all-ready',
  title: 'All replicas are Ready',
  points: 2,
  timeoutMs: 15_000,
  hint: `kubectl get rs kuard -n ${NAMESPACE}: READY must reach DESIRED; the scheduler retries Pending pods as soon as a node reports more room`,
  async run(ctx) {
    const rs = await ignoreNotFound(ctx.apps.readNamespacedReplicaSet({ name: 'kuard', namespace: NAMESPACE }));
    if (!rs) return fail(`ReplicaSet kuard in namespace ${NAMESPACE}`, 'none: kubelab reset max-pods brings it back');
    const want = rs.spec?.replicas ?? 0;
    const { replicas } = await scaleOf(ctx);
    if (want < replicas)
      return fail(`ReplicaSet kuard at ${replicas} replicas`, `it asks for ${want}: scaling it down hides the limit instead of raising it`);
    const c = await liveCapacity(ctx.core);
    if (c.ready >= want) return pass(`${c.ready}/${want} kuard replicas Ready`);
    return fail(
      `all ${want} kuard replicas Ready`,
      c.pending > 0
        ? 'some kuard replicas are still Pending: no worker has a free slot for them'
        : 'every replica has a node, but some are not Ready yet (their containers are starting)',
    );
  },
};

/** What a learner types on each worker: set maxPods in the kubelet's file, restart the kubelet; then wait for the replicas. */
async function solution(ctx: SolutionContext): Promise<string[]> {
  const { raisedMaxPods, replicas } = scaleFor((await ctx.core.listNode()).items);
  const perWorker = (await workerNodes(ctx.core)).flatMap((node) => {
    const shell = requireShell(ctx, node.metadata!.name!);
    return [shell.run(setMaxPodsCommand(shell.kubeletConfig, raisedMaxPods)), shell.restartKubelet];
  });
  return [...perWorker, `kubectl wait rs/kuard -n ${NAMESPACE} --for=jsonpath='{.status.readyReplicas}'=${replicas} --timeout=300s`];
}

export const raiseMaxPods: Exercise = {
  id: 'raise-max-pods',
  title: 'Raise maxPods in every worker’s kubelet configuration',
  task:
    `Raise maxPods to ${NOTES_SCALE.raisedMaxPods} (${CONTAINER_SCALE.raisedMaxPods} on kind) in every worker's kubelet configuration file and ` +
    'restart that kubelet, until every kuard replica is Ready. Patching the Node’s status or scaling kuard down does not count.',
  checks: [kubeletsRaised, allReady],
  solution,
  async reset(ctx) {
    await restoreStall(ctx);
  },
};
