// The lab's starting state: kuard's replicas applied, every worker's kubelet running with the
// starting max pods (its file, what it runs with and what its Node reports all agree), kubeadm's
// kubelet-config ConfigMap as kubeadm uploaded it, and scheduling stalled at the limit. What the
// cluster looked like at that moment is recorded, because the first exercise's checks judge
// answers against it.
import type { V1ConfigMap, V1Node } from '@kubernetes/client-node';
import {
  type CheckContext,
  DEFAULT_MAX_PODS,
  ignoreNotFound,
  type LabContext,
  namespaceManifests,
  parseNodes,
  pollUntil,
  readObject,
  UserError,
  workloadContainer,
} from '../../src/engine/sdk.ts';
import { type Capacity, isStalled, roomForKuard } from './arithmetic.ts';
import { liveCapacity, requireNodes, runningMaxPods, scaleOf, workerNodes } from './cluster.ts';
import { ANSWERS, KUBELET_CONFIGMAP, LABEL, NAMESPACE, STALL } from './constants.ts';
import { maxPodsIn, withoutMaxPods } from './kubelet-file.ts';
import { sealStall, type StallRecord } from './stall-record.ts';

/** The notes' cluster for this experiment: a control plane and five workers, each with the kubelet's default max pods. */
export const NODES = parseNodes('6', DEFAULT_MAX_PODS);

const manifests = (replicas: number) => `${namespaceManifests(NAMESPACE, ANSWERS.namespace)}---
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

export async function readStall(ctx: CheckContext): Promise<StallRecord | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', STALL.name, STALL.namespace);
  const text = cm?.data?.stall;
  return text ? (JSON.parse(text) as StallRecord) : undefined;
}

async function writeStall(ctx: LabContext, c: Capacity, replicas: number): Promise<void> {
  const record = sealStall(c, replicas, new Date().toISOString());
  const body: V1ConfigMap = { metadata: { name: STALL.name, namespace: STALL.namespace }, data: { stall: JSON.stringify(record) } };
  const replaced = await ignoreNotFound(ctx.core.replaceNamespacedConfigMap({ name: STALL.name, namespace: STALL.namespace, body }));
  if (!replaced) await ctx.core.createNamespacedConfigMap({ namespace: STALL.namespace, body });
}

/** The file, the running kubelet and the Node all say `limit`: nothing to restart. */
async function atLimit(ctx: LabContext, node: V1Node, limit: number): Promise<boolean> {
  const name = node.metadata!.name!;
  if (Number(node.status?.allocatable?.pods) !== limit || (await runningMaxPods(ctx, node)) !== limit) return false;
  const file = requireNodes(ctx).kubeletConfig(name);
  return maxPodsIn(await file.read(), `the kubelet configuration of ${name} (${file.where})`) === limit;
}

/** Every worker's kubelet back at the starting max pods, through its configuration file and a restart, as the learner changes it. */
async function restoreKubelets(ctx: LabContext, limit: number): Promise<void> {
  for (const node of await workerNodes(ctx.core)) {
    if (await atLimit(ctx, node, limit)) continue;
    const name = node.metadata!.name!;
    try {
      await requireNodes(ctx).setMaxPods(name, limit);
    } catch (error) {
      const where = requireNodes(ctx).kubeletConfig(name).where;
      throw new UserError(`cannot put the kubelet of ${name} back to max pods ${limit}: ${(error as Error).message.split('\n')[0]}`, {
        cause: error,
        fix: `look at its configuration file (${where}), then kubelab reset max-pods`,
      });
    }
  }
}

/** kubeadm uploads the kubelet's defaults, without maxPods; a learner may have set it there. */
export async function restoreKubeletConfigMap(ctx: LabContext): Promise<void> {
  const { name, namespace, key } = KUBELET_CONFIGMAP;
  const cm = await ignoreNotFound(ctx.core.readNamespacedConfigMap({ name, namespace }));
  const text = cm?.data?.[key];
  if (!cm || text === undefined) return;
  const restored = withoutMaxPods(text, `key "${key}" of ConfigMap ${namespace}/${name}`);
  if (restored !== text)
    await ctx.core.replaceNamespacedConfigMap({ name, namespace, body: { ...cm, data: { ...cm.data, [key]: restored } } });
}

/** Deletes the kuard pods a worker holds beyond its allocatable pods, as a kubelet restarted with a lower max pods would reject them. */
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
  await restoreKubeletConfigMap(ctx);
  await restoreKubelets(ctx, scale.defaultMaxPods);
  await trimToLimits(ctx);
  await writeStall(ctx, await waitForStall(ctx, scale.replicas), scale.replicas);
}
