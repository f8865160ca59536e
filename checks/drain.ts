// Lab: rebuilding a worker with zero impact. The notes' sequence: kubectl drain (cordon, then
// evictions through the Eviction API), kubectl delete node, rebuild the machine so that it
// registers again, back in service. A PodDisruptionBudget keeps kuard serving, and a watcher
// started with the lab records its availability, so the checks can tell whether it held.
import { PolicyV1Api, type V1ConfigMap, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { isReady } from '../src/cluster/nodes.ts';
import { DEFAULT_MAX_PODS, parseNodes } from '../src/cluster/shape.ts';
import { UserError } from '../src/errors.ts';
import { eventsWithReason, isDaemonSetPod, readObject } from '../src/engine/helpers.ts';
import { defineLab, fail, pass, type CheckContext, type LabContext, type NodeOperations, type Observation } from '../src/engine/model.ts';
import { statusOf } from '../src/kube/client.ts';
import { startWatcher } from '../src/labs-watch/launch.ts';
import { fromConfigMap, watcherAlive, type AvailabilityRecord } from '../src/labs-watch/record.ts';
import { cordonedAt, deletions, dips, drainedAt, unsafeDeletions } from '../src/labs-watch/timeline.ts';
import { workloadContainer } from '../src/cluster/workload.ts';

export const NAMESPACE = 'drain';
export const DEPLOYMENT = 'kuard';
export const REPLICAS = 6;
/** The PodDisruptionBudget: at most one replica down at a time. */
export const MIN_AVAILABLE = REPLICAS - 1;
/** The worker to rebuild, as the notes rebuilt their first worker. */
export const NODE = 'kub2';
export const RECORD = { namespace: 'kubelab', name: 'drain-availability' };

/** The notes' five workers (kubworker1…5) behind a control plane. */
const NODES = parseNodes('6', DEFAULT_MAX_PODS);

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${RECORD.namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${DEPLOYMENT}
  namespace: ${NAMESPACE}
  labels:
    app: kuard
spec:
  replicas: ${REPLICAS}
  selector:
    matchLabels:
      app: kuard
  template:
    metadata:
      labels:
        app: kuard
    spec:
      containers:
${workloadContainer('kuard', '      ')}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${DEPLOYMENT}
  namespace: ${NAMESPACE}
spec:
  minAvailable: ${MIN_AVAILABLE}
  selector:
    matchLabels:
      app: kuard
`;

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- Setting the stage ------------------------------------------------------------------------

function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes) throw new UserError('this lab rebuilds a node, which kubelab can do only on clusters it created', { fix: 'run it on a kubelab cluster: kubelab start drain' });
  return ctx.nodes;
}

async function readNode(ctx: { core: LabContext['core'] }, name: string): Promise<V1Node | undefined> {
  try {
    return await ctx.core.readNode({ name });
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function kuardPods(ctx: { core: LabContext['core'] }): Promise<V1Pod[]> {
  return (await ctx.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app=kuard' })).items;
}

async function waitAvailable(ctx: LabContext, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await ctx.apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace: NAMESPACE });
    const done = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && (d.status?.availableReplicas ?? 0) >= REPLICAS && (d.status?.replicas ?? 0) === REPLICAS;
    if (done) return;
    if (Date.now() > deadline) {
      const why = (await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling'))[0]?.message;
      throw new UserError(`deployment ${NAMESPACE}/${DEPLOYMENT} has ${d.status?.availableReplicas ?? 0}/${REPLICAS} replicas available${why ? ` (${why.split('. ')[0]})` : ''}`, {
        fix: 'the workers need room for 6 more pods: remove other labs’ workloads (e.g. kubectl delete namespace kuard), or use another cluster with --name',
      });
    }
    await sleep(250);
  }
}

/** Makes sure the node to drain runs kuard: a replica replaced elsewhere lands on the emptiest worker. */
async function placeOnNode(ctx: LabContext): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const pods = await kuardPods(ctx);
    if (pods.some((p) => p.spec?.nodeName === NODE)) return;
    const perNode = Map.groupBy(pods, (p) => p.spec?.nodeName ?? '');
    const busiest = [...perNode.values()].sort((a, b) => b.length - a.length)[0]?.[0];
    if (!busiest) return;
    await ctx.core.deleteNamespacedPod({ name: busiest.metadata!.name!, namespace: NAMESPACE });
    await waitAvailable(ctx);
  }
}

/** The lab's starting state: the node registered and schedulable, kuard fully available with a replica on it, and a fresh record. */
async function restoreStart(ctx: LabContext): Promise<void> {
  await ctx.apply(MANIFESTS);
  if (!(await readNode(ctx, NODE))) await requireNodes(ctx).rebuild(NODE);
  await ctx.kubectl(['uncordon', NODE]);
  await waitAvailable(ctx);
  await placeOnNode(ctx);
  const pdb = await ctx.kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: DEPLOYMENT, namespace: NAMESPACE });
  await startWatcher(ctx.kc, { namespace: NAMESPACE, deployment: DEPLOYMENT, node: NODE }, RECORD, Number(pdb.spec?.minAvailable ?? MIN_AVAILABLE));
}

async function drainNode(ctx: LabContext): Promise<void> {
  if (await readNode(ctx, NODE)) await ctx.kubectl(['drain', NODE, '--ignore-daemonsets', '--timeout=120s']);
}

// ---- Checks -----------------------------------------------------------------------------------

async function readRecord(ctx: CheckContext): Promise<AvailabilityRecord | undefined> {
  return fromConfigMap(await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', RECORD.name, RECORD.namespace));
}

const noRecord = () => fail(`the availability record ${RECORD.namespace}/${RECORD.name}`, 'none: kubelab start drain launches the watcher that writes it');

/** A check that needs the watcher's record. */
function recorded(run: (r: AvailabilityRecord, ctx: CheckContext) => Promise<Observation> | Observation) {
  return async (ctx: CheckContext): Promise<Observation> => {
    const r = await readRecord(ctx);
    return r ? run(r, ctx) : noRecord();
  };
}

/** The rebuilt node: registered again since the record started, so with another uid. */
function rebuiltState(node: V1Node | undefined, r: AvailabilityRecord): string | undefined {
  if (!node) return `${NODE} is not registered (rebuild it: kubelab node rebuild ${NODE})`;
  if (node.metadata?.uid === r.nodeUid) return `the same ${NODE} as when the lab started (uid ${r.nodeUid.slice(0, 8)}…): it was not deleted and registered again`;
  return undefined;
}

export default defineLab({
  id: 'drain',
  title: 'Draining and rebuilding a node',
  summary: 'Cordon and drain a worker under a PodDisruptionBudget, delete it, rebuild it and bring it back, without kuard ever dropping below its budget.',
  shape: { nodes: NODES },
  async setup(ctx) {
    await restoreStart(ctx);
  },
  async teardown(ctx) {
    // Deleting the record stops its watcher; a node left cordoned would take no other lab's pods.
    await ctx.kubectl(['delete', 'configmap', RECORD.name, '-n', RECORD.namespace, '--ignore-not-found']);
    await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=300s']);
    if (await readNode(ctx, NODE)) await ctx.kubectl(['uncordon', NODE]);
  },
  exercises: [
    {
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
            return c ? pass(`${NODE} cordoned at ${clock(c.t)}`) : fail(`${NODE} marked unschedulable`, `${NODE} has been schedulable since ${clock(r.startedAt)}`);
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
            const now = (await ctx.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items.filter((p) => !isDaemonSetPod(p));
            const fewest = Math.min(...cordoned.map((s) => s.nodePods));
            return fail(`0 pods outside DaemonSets on cordoned ${NODE}`, `at least ${fewest} stayed (now: ${now.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ') || 'none'})`, now);
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
            const before = dips(r.timeline.filter((s) => s.t <= d.t), r.budget);
            return before.length === 0
              ? pass(`≥ ${r.budget} replicas available from ${clock(r.startedAt)} to the end of the drain at ${clock(d.t)}`)
              : fail(`≥ ${r.budget} replicas available`, `${before[0]!.available} available at ${clock(before[0]!.from)}`, before);
          }),
        },
      ],
      async solve(ctx) {
        await drainNode(ctx);
      },
      async reset(ctx) {
        await restoreStart(ctx);
      },
    },
    {
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
            if (!all.length) return fail(`kubectl delete node ${NODE} after a drain`, `${NODE} has not been deleted since ${clock(r.startedAt)}`);
            const bad = unsafeDeletions(r.timeline)[0];
            if (bad) {
              const state = bad.before.node === 'cordoned' ? 'cordoned' : 'still schedulable';
              return fail(`${NODE} cordoned and empty when deleted`, `deleted at ${clock(bad.t)} while ${state}, holding ${bad.before.nodePods} pods outside DaemonSets`, [bad]);
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
            return problem ? fail(`${NODE} registered again (a new uid)`, problem) : pass(`${NODE} registered again (uid ${node!.metadata!.uid!.slice(0, 8)}…)`);
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
              return fail('the availability watcher running', `its last heartbeat was at ${clock(r.heartbeat)}: it stopped (was the cluster down?), so the record may have a gap — kubelab reset drain starts it again`);
            }
            const dropped = dips(r.timeline, r.budget);
            if (dropped.length) {
              const worst = Math.min(...dropped.map((d) => d.available));
              const first = dropped[0]!;
              return fail(`≥ ${r.budget} of ${REPLICAS} replicas available throughout`, `${dropped.length} drop(s), down to ${worst} available (first at ${clock(first.from)}${first.to ? ` for ${((first.to - first.from) / 1000).toFixed(1)} s` : ', still'})`, dropped);
            }
            return pass(`never fewer than ${r.lowest?.available ?? REPLICAS} available (budget ${r.budget}) since ${clock(r.startedAt)}`);
          }),
        },
      ],
      async solve(ctx) {
        await drainNode(ctx);
        if (await readNode(ctx, NODE)) await ctx.kubectl(['delete', 'node', NODE]);
        for (let i = 0; (await readNode(ctx, NODE)) && i < 100; i++) await sleep(100);
        await requireNodes(ctx).rebuild(NODE);
        await ctx.kubectl(['uncordon', NODE]);
      },
      async reset(ctx) {
        await restoreStart(ctx);
      },
    },
  ],
});
