// The lab's starting state: kuard's replicas applied, every worker at the starting max pods,
// and scheduling stalled at the limit. What the cluster looked like at that moment is recorded
// in a ConfigMap, because the checks of the first exercise judge answers against it.
import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  ignoreNotFound,
  parseNodes,
  DEFAULT_MAX_PODS,
  pollUntil,
  readObject,
  workloadContainer,
  type CheckContext,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { isStalled, isWorker, roomForKuard, type Capacity, type WorkerLoad } from './arithmetic.ts';
import { liveCapacity, requireNodes, scaleOf } from './cluster.ts';
import { ANSWERS, LABEL, NAMESPACE, STALL } from './constants.ts';

/** The notes' cluster for this experiment: a control plane and five workers, each with the kubelet's default 110 pods. */
export const NODES = parseNodes('6', DEFAULT_MAX_PODS);

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

export interface StallRecord {
  at: string;
  ready: number;
  pending: number;
  workers: WorkerLoad[];
}

export async function readStall(ctx: CheckContext): Promise<StallRecord | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', STALL.name, STALL.namespace);
  const text = cm?.data?.stall;
  return text ? (JSON.parse(text) as StallRecord) : undefined;
}

async function writeStall(ctx: LabContext, c: Capacity): Promise<void> {
  const record: StallRecord = { at: new Date().toISOString(), ready: c.ready, pending: c.pending, workers: c.workers };
  const body: V1ConfigMap = { metadata: { name: STALL.name, namespace: STALL.namespace }, data: { stall: JSON.stringify(record) } };
  const replaced = await ignoreNotFound(ctx.core.replaceNamespacedConfigMap({ name: STALL.name, namespace: STALL.namespace, body }));
  if (!replaced) await ctx.core.createNamespacedConfigMap({ namespace: STALL.namespace, body });
}

/** Deletes the kuard pods a worker holds beyond its allocatable pods, as a kubelet restarted with a lower --max-pods would reject them. */
async function trimToLimits(ctx: LabContext): Promise<void> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.key}=${LABEL.value}` })).items;
  const excess: string[] = [];
  for (const w of (await liveCapacity(ctx.core)).workers) {
    const over = w.kuard + w.others - w.allocatable;
    if (over > 0)
      excess.push(
        ...pods
          .filter((p) => p.spec?.nodeName === w.name)
          .slice(0, over)
          .map((p) => p.metadata!.name!),
      );
  }
  // A pod the ReplicaSet or its kubelet removed meanwhile is gone already, which is the point.
  for (let i = 0; i < excess.length; i += 25) {
    await Promise.all(
      excess
        .slice(i, i + 25)
        .map((name) => ignoreNotFound(ctx.core.deleteNamespacedPod({ name, namespace: NAMESPACE, gracePeriodSeconds: 0 }))),
    );
  }
}

async function waitForStall(ctx: LabContext, replicas: number): Promise<Capacity> {
  return pollUntil<Capacity>(
    async () => {
      const c = await liveCapacity(ctx.core);
      return isStalled(c, replicas)
        ? { value: c }
        : { state: `${c.total} exist, ${c.ready} Ready, ${c.pending} Pending, room for ${roomForKuard(c.workers)}` };
    },
    {
      timeoutMs: 300_000,
      describe: `the ${replicas} kuard replicas to stall (every worker full, the rest Pending)`,
      fix: `kubectl get rs,pods -n ${NAMESPACE}; kubelab reset max-pods`,
    },
  );
}

/** The lab's starting state: every worker back at the starting max pods, and the replicas stalled. */
export async function restoreStall(ctx: LabContext): Promise<void> {
  const scale = await scaleOf(ctx);
  await ctx.apply(manifests(scale.replicas));
  for (const node of (await ctx.core.listNode()).items.filter(isWorker)) {
    if (Number(node.status?.allocatable?.pods) !== scale.defaultMaxPods)
      await requireNodes(ctx).setMaxPods(node.metadata!.name!, scale.defaultMaxPods);
  }
  await trimToLimits(ctx);
  await writeStall(ctx, await waitForStall(ctx, scale.replicas));
}
