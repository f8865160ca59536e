// Lab: the max-pods limit. The notes' experiment: a kuard ReplicaSet of 800 replicas on five
// workers stops at 544 Ready, because each kubelet admits at most 110 pods (--max-pods) and the
// DaemonSet and DNS pods on a worker use some of those slots; --max-pods=250 lets all 800 run.
import type { CoreV1Api, V1ConfigMap, V1Node, V1Pod } from '@kubernetes/client-node';
import { KWOK_ANNOTATION, rolesOf } from '../src/cluster/nodes.ts';
import { DEFAULT_MAX_PODS, parseNodes } from '../src/cluster/shape.ts';
import { UserError } from '../src/errors.ts';
import { eventsWithReason, isPodReady, readObject } from '../src/engine/helpers.ts';
import { defineLab, fail, pass, type CheckContext, type LabContext, type NodeOperations } from '../src/engine/model.ts';
import { workloadContainer } from '../src/cluster/workload.ts';

export const NAMESPACE = 'kuard';

/** How many replicas, and the kubelet's max pods before and after the fix. */
export interface Scale {
  replicas: number;
  defaultMaxPods: number;
  raisedMaxPods: number;
}

/** The notes' experiment: 800 replicas, the kubelet's default 110 pods per node, raised to 250. */
export const NOTES_SCALE: Scale = { replicas: 800, defaultMaxPods: DEFAULT_MAX_PODS, raisedMaxPods: 250 };
/**
 * The same arithmetic (max pods × workers − other pods = where scheduling stops) at a size a
 * 2-core machine runs with real containers: 800 real pods overload it and can wedge Docker.
 * With kube-proxy and the CNI daemon on each of five workers: 5 × (12 − 2) = 50 of 70 run, and
 * 5 × (24 − 2) = 110 slots hold all 70.
 */
export const CONTAINER_SCALE: Scale = { replicas: 70, defaultMaxPods: 12, raisedMaxPods: 24 };

/**
 * Where kwok plays every worker's kubelet, pods are API objects only and the notes' numbers fit
 * any laptop; real kubelets start a container per pod, so the lab runs at the smaller scale.
 */
export async function scaleOf(ctx: { core: CoreV1Api }): Promise<Scale> {
  const workers = (await ctx.core.listNode()).items.filter(isWorker);
  return workers.length > 0 && workers.every((n) => n.metadata?.annotations?.[KWOK_ANNOTATION] !== undefined) ? NOTES_SCALE : CONTAINER_SCALE;
}
const LABEL = { key: 'run', value: 'kuard' };
/** Where the learner writes what they saw. */
export const ANSWERS = { namespace: 'kubelab', name: 'max-pods-answers' };
/** Where the lab keeps what the cluster looked like when scheduling stalled. */
export const STALL = { namespace: 'kubelab', name: 'max-pods-stall' };

/** The notes' cluster for this experiment: a control plane and five workers, each with the kubelet's default 110 pods. */
const NODES = parseNodes('6', DEFAULT_MAX_PODS);

const manifests = (replicas: number) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${ANSWERS.namespace}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: kuard
  namespace: ${NAMESPACE}
  labels:
    ${LABEL.key}: ${LABEL.value}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      ${LABEL.key}: ${LABEL.value}
  template:
    metadata:
      labels:
        ${LABEL.key}: ${LABEL.value}
    spec:
      containers:
${workloadContainer('kuard', '      ')}
`;

// ---- Pure arithmetic over what the API returns -------------------------------------------

export interface WorkerLoad {
  name: string;
  /** status.allocatable.pods: the kubelet's --max-pods. */
  allocatable: number;
  kuard: number;
  /** Pods of anything else bound to this worker (DaemonSets, DNS): they use slots too. */
  others: number;
}

export interface Capacity {
  workers: WorkerLoad[];
  /** kuard pods in total, Ready, and waiting for a node. */
  total: number;
  ready: number;
  pending: number;
}

const isKuard = (pod: V1Pod) => pod.metadata?.namespace === NAMESPACE && pod.metadata?.labels?.[LABEL.key] === LABEL.value;
const isActive = (pod: V1Pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
export const isWorker = (node: V1Node) => !rolesOf(node).includes('control-plane');

/** How the workers' pod slots are used, counted the way the scheduler counts them. */
export function capacityOf(nodes: V1Node[], pods: V1Pod[]): Capacity {
  const active = pods.filter(isActive);
  const kuard = active.filter(isKuard);
  const workers = nodes.filter(isWorker).map((node): WorkerLoad => {
    const name = node.metadata?.name ?? '';
    const on = active.filter((p) => p.spec?.nodeName === name);
    const kuardHere = on.filter(isKuard).length;
    return { name, allocatable: Number(node.status?.allocatable?.pods ?? 0), kuard: kuardHere, others: on.length - kuardHere };
  });
  return {
    workers: workers.sort((a, b) => a.name.localeCompare(b.name)),
    total: kuard.length,
    ready: kuard.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length,
    pending: kuard.filter((p) => !p.spec?.nodeName).length,
  };
}

/** kuard replicas the workers can hold: on each, its allocatable pods minus everything else bound there. */
export function roomForKuard(workers: WorkerLoad[]): number {
  return workers.reduce((sum, w) => sum + Math.max(0, w.allocatable - w.others), 0);
}

/** Nothing more can happen: every replica exists, some wait for a node, every worker is full and every bound replica is Ready. */
export function isStalled(c: Capacity, replicas: number): boolean {
  const bound = c.workers.reduce((sum, w) => sum + w.kuard, 0);
  return c.total >= replicas && c.pending > 0 && c.workers.every((w) => w.kuard + w.others >= w.allocatable) && c.ready === bound;
}

export interface ReasonCount {
  count: number;
  reason: string;
}

/**
 * The per-node reasons of a FailedScheduling message, e.g. "0/6 nodes are available:
 * 1 node(s) had untolerated taint(s), 5 Too many pods. preemption: ..." gives
 * [{1, "node(s) had untolerated taint(s)"}, {5, "Too many pods"}].
 */
export function schedulingReasons(message: string): ReasonCount[] {
  const match = /nodes are available: (.*?)(?:\.\s|\.$|$)/.exec(message);
  if (!match) return [];
  return match[1]!
    .split(/,\s*(?=\d+\s)/)
    .map((part) => /^(\d+)\s+(.+)$/.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ count: Number(m[1]), reason: m[2]!.trim() }));
}

/** The reason given for the most nodes: on the notes' cluster, the one every worker reported. */
export function mainReason(message: string): string | undefined {
  return [...schedulingReasons(message)].sort((a, b) => b.count - a.count)[0]?.reason;
}

/** Compares reasons as a person would type them: any case, with or without the node count or a final full stop. */
export function sameReason(answer: string, reason: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/^\s*\d+\s+/, '').replace(/[.\s]+$/, '').replace(/\s+/g, ' ').trim();
  return norm(answer) !== '' && norm(answer) === norm(reason);
}

// ---- Cluster reads and writes ---------------------------------------------------------------

async function liveCapacity(core: CoreV1Api): Promise<Capacity> {
  const [nodes, pods] = await Promise.all([core.listNode(), core.listPodForAllNamespaces()]);
  return capacityOf(nodes.items, pods.items);
}

interface StallRecord {
  at: string;
  ready: number;
  pending: number;
  workers: WorkerLoad[];
}

async function readStall(ctx: CheckContext): Promise<StallRecord | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', STALL.name, STALL.namespace);
  const text = cm?.data?.stall;
  return text ? (JSON.parse(text) as StallRecord) : undefined;
}

async function writeStall(ctx: LabContext, c: Capacity): Promise<void> {
  const record: StallRecord = { at: new Date().toISOString(), ready: c.ready, pending: c.pending, workers: c.workers };
  const body: V1ConfigMap = { metadata: { name: STALL.name, namespace: STALL.namespace }, data: { stall: JSON.stringify(record) } };
  try {
    await ctx.core.replaceNamespacedConfigMap({ name: STALL.name, namespace: STALL.namespace, body });
  } catch {
    await ctx.core.createNamespacedConfigMap({ namespace: STALL.namespace, body });
  }
}

function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes) throw new UserError('this lab changes the kubelet’s max pods, which kubelab can do only on clusters it created', { fix: 'run it on a kubelab cluster: kubelab start max-pods' });
  return ctx.nodes;
}

/** Deletes the kuard pods a worker holds beyond its allocatable pods, as a kubelet restarted with a lower --max-pods would reject them. */
async function trimToLimits(ctx: LabContext): Promise<void> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.key}=${LABEL.value}` })).items;
  const excess: string[] = [];
  for (const w of (await liveCapacity(ctx.core)).workers) {
    const over = w.kuard + w.others - w.allocatable;
    if (over > 0) excess.push(...pods.filter((p) => p.spec?.nodeName === w.name).slice(0, over).map((p) => p.metadata!.name!));
  }
  for (let i = 0; i < excess.length; i += 25) {
    await Promise.all(excess.slice(i, i + 25).map((name) => ctx.core.deleteNamespacedPod({ name, namespace: NAMESPACE, gracePeriodSeconds: 0 }).catch(() => {})));
  }
}

async function waitForStall(ctx: LabContext, replicas: number, timeoutMs = 300_000): Promise<Capacity> {
  const deadline = Date.now() + timeoutMs;
  let c = await liveCapacity(ctx.core);
  while (!isStalled(c, replicas)) {
    if (Date.now() > deadline) {
      throw new UserError(`the ${replicas} kuard replicas did not settle: ${c.total} exist, ${c.ready} Ready, ${c.pending} Pending, room for ${roomForKuard(c.workers)}`, {
        fix: `kubectl get rs,pods -n ${NAMESPACE}; kubelab reset max-pods`,
      });
    }
    await new Promise((r) => setTimeout(r, 500));
    c = await liveCapacity(ctx.core);
  }
  return c;
}

/** The lab's starting state: every worker back at the starting max pods, and the replicas stalled. */
async function restoreStall(ctx: LabContext): Promise<void> {
  const scale = await scaleOf(ctx);
  await ctx.apply(manifests(scale.replicas));
  for (const node of (await ctx.core.listNode()).items.filter(isWorker)) {
    if (Number(node.status?.allocatable?.pods) !== scale.defaultMaxPods) await requireNodes(ctx).setMaxPods(node.metadata!.name!, scale.defaultMaxPods);
  }
  await trimToLimits(ctx);
  await writeStall(ctx, await waitForStall(ctx, scale.replicas));
}

// ---- The learner's answers --------------------------------------------------------------------

async function answer(ctx: CheckContext, key: string): Promise<string | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace);
  return cm?.data?.[key]?.trim();
}

const numberAnswer = (key: string, title: string, points: number, hint: string, expectedOf: (s: StallRecord) => number, what: string) => ({
  id: key,
  title,
  points,
  hint,
  async run(ctx: CheckContext) {
    const stall = await readStall(ctx);
    if (!stall) return fail('the lab’s record of the stall', 'none: run kubelab start max-pods');
    const expected = expectedOf(stall);
    const given = await answer(ctx, key);
    if (given === undefined) return fail(`${key}: ${what}`, `no key "${key}" in ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`);
    return /^\d+$/.test(given) && Number(given) === expected
      ? pass(`${key} = ${expected}, as the cluster showed when scheduling stalled`)
      : fail(`${key} = ${expected} (${what})`, `${key} = "${given}"`, [stall]);
  },
});

/** What every worker reported as allocatable pods, when they all agree. */
const commonAllocatable = (s: StallRecord) => (new Set(s.workers.map((w) => w.allocatable)).size === 1 ? s.workers[0]!.allocatable : -1);
const otherPods = (s: StallRecord) => s.workers.reduce((sum, w) => sum + w.others, 0);

async function latestKuardFailure(ctx: CheckContext): Promise<string | undefined> {
  const events = await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling');
  return events.find((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name?.startsWith('kuard-'))?.message;
}

export default defineLab({
  id: 'max-pods',
  title: 'The max-pods limit',
  summary: '800 kuard replicas on five workers stall at the kubelet’s 110-pod limit; find out why, then raise max pods to 250 (on kind, with real containers: 70 replicas, 12 raised to 24).',
  shape: { nodes: NODES },
  async setup(ctx) {
    await restoreStall(ctx);
  },
  async teardown(ctx) {
    // The replicas fill every worker: another lab would find no room.
    await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=300s']);
    await ctx.kubectl(['delete', 'configmap', STALL.name, ANSWERS.name, '-n', STALL.namespace, '--ignore-not-found']);
  },
  exercises: [
    {
      id: 'observe-stall',
      title: 'Explain where the replicas stopped',
      task:
        `The ReplicaSet kuard in namespace ${NAMESPACE} asks for ${NOTES_SCALE.replicas} replicas (${CONTAINER_SCALE.replicas} on kind), and some never leave Pending. ` +
        `Record in ConfigMap ${ANSWERS.name} (namespace ${ANSWERS.namespace}): ready = how many kuard pods are Ready, ` +
        'reason = the reason the scheduler gives for the workers, max-pods = the allocatable pods of a worker, ' +
        'other-pods = how many pods that are not kuard run on the workers.',
      checks: [
        numberAnswer('ready', 'How many kuard pods became Ready', 2, `kubectl get rs kuard -n ${NAMESPACE} (the READY column)`, (s) => s.ready, 'kuard pods Ready when scheduling stalled'),
        {
          id: 'reason',
          title: 'Why the scheduler left the rest Pending',
          points: 1,
          timeoutMs: 3_000,
          hint: `kubectl describe pod -n ${NAMESPACE} <a Pending kuard pod>: the FailedScheduling event names a reason per group of nodes; give the workers' reason`,
          async run(ctx) {
            const message = await latestKuardFailure(ctx);
            if (!message) return fail('a FailedScheduling event for a kuard pod', `none in namespace ${NAMESPACE} (events expire after an hour: kubelab reset max-pods recreates the stall)`);
            const reason = mainReason(message);
            if (!reason) return fail('a reason per group of nodes in the FailedScheduling message', message);
            const given = await answer(ctx, 'reason');
            if (given === undefined) return fail(`reason: "${reason}"`, `no key "reason" in ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`, [message]);
            return sameReason(given, reason) ? pass(`reason "${reason}", as the scheduler reports it`) : fail(`reason "${reason}" (from: ${message.split('. ')[0]})`, `reason "${given}"`, [message]);
          },
        },
        numberAnswer('max-pods', 'How many pods a worker admits', 1, 'kubectl get node kub2 -o jsonpath=\'{.status.allocatable.pods}\'', commonAllocatable, 'allocatable pods of each worker'),
        numberAnswer('other-pods', 'How many pod slots other pods take on the workers', 1, `kubectl get pods -A -o wide: count the pods on kub2…kub6 outside namespace ${NAMESPACE} (DaemonSet and DNS pods)`, otherPods, 'non-kuard pods on the workers'),
      ],
      async solve(ctx) {
        const c = await liveCapacity(ctx.core);
        // The scheduler's events are written a moment after the pods are marked unschedulable.
        let message = await latestKuardFailure(ctx);
        for (let i = 0; !message && i < 50; i++) {
          await new Promise((r) => setTimeout(r, 200));
          message = await latestKuardFailure(ctx);
        }
        const data = {
          ready: String(c.ready),
          reason: mainReason(message ?? '') ?? '',
          'max-pods': String(c.workers[0]?.allocatable ?? 0),
          'other-pods': String(c.workers.reduce((sum, w) => sum + w.others, 0)),
        };
        await ctx.apply(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ANSWERS.name, namespace: ANSWERS.namespace }, data }));
      },
      async reset(ctx) {
        await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
      },
    },
    {
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
            return room >= want ? pass(`room for ${room} kuard pods, ${want} wanted`) : fail(`room for ${want} kuard pods`, `room for ${room} (${workers.map((w) => `${w.name} ${w.allocatable}−${w.others}`).join(', ')})`, workers);
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
            if (want < replicas) return fail(`ReplicaSet kuard at ${replicas} replicas`, `it asks for ${want} (scaling down hides the limit instead of raising it)`);
            return c.ready >= want ? pass(`${c.ready}/${want} kuard replicas Ready`) : fail(`${want}/${want} kuard replicas Ready`, `${c.ready}/${want} Ready, ${c.pending} Pending`);
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
            return pending.length === 0 ? pass('no Pending pods') : fail('0 Pending pods', `${pending.length} Pending (e.g. ${pending[0]!.metadata?.name})`);
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
    },
  ],
});
