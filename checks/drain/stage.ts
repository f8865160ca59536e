// Setting the stage: kuard under its PodDisruptionBudget, fully available, with a replica on
// the node to drain, the node registered and schedulable, and a fresh availability watcher.
import { PolicyV1Api, type V1Node, type V1Pod } from '@kubernetes/client-node';
import {
  DEFAULT_MAX_PODS,
  eventsWithReason,
  ignoreNotFound,
  isPodReady,
  parseNodes,
  pollUntil,
  UserError,
  workloadContainer,
  type LabContext,
  type NodeOperations,
} from '../../src/engine/sdk.ts';
import { DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE, RECORD, REPLICAS } from './constants.ts';
import { startWatcher } from './watcher/launch.ts';

/** The notes' five workers (kubworker1…5) behind a control plane. */
export const NODES = parseNodes('6', DEFAULT_MAX_PODS);

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

/** Rebuilding a node happens on its machine, so only the provider that runs the nodes can do it. */
export function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes)
    throw new UserError('this lab rebuilds a node, which kubelab can do only on clusters it created', {
      fix: 'run it on a kubelab cluster: kubelab start drain',
    });
  return ctx.nodes;
}

export async function readNode(ctx: { core: LabContext['core'] }, name: string): Promise<V1Node | undefined> {
  return ignoreNotFound(ctx.core.readNode({ name }));
}

/** kuard's replicas that are not on their way out. */
async function kuardPods(ctx: LabContext): Promise<V1Pod[]> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app=kuard' })).items;
  return pods.filter((p) => !p.metadata?.deletionTimestamp);
}

/** How many replicas are available, or undefined once the rollout is complete. */
async function unavailable(ctx: LabContext): Promise<string | undefined> {
  const d = await ctx.apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace: NAMESPACE });
  const done =
    (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (d.status?.availableReplicas ?? 0) >= REPLICAS &&
    (d.status?.replicas ?? 0) === REPLICAS;
  return done ? undefined : `${d.status?.availableReplicas ?? 0}/${REPLICAS} replicas available`;
}

async function waitAvailable(ctx: LabContext): Promise<void> {
  await pollUntil(
    async () => {
      const state = await unavailable(ctx);
      if (state === undefined) return { value: undefined };
      const why = (await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling'))[0]?.message;
      return { state: why ? `${state} (${why.split('. ')[0]})` : state };
    },
    {
      timeoutMs: 90_000,
      describe: `deployment ${NAMESPACE}/${DEPLOYMENT} to have all ${REPLICAS} replicas available`,
      fix: `the workers need room for ${REPLICAS} more pods: remove other labs’ workloads (e.g. kubectl delete namespace kuard), or use another cluster with --name`,
    },
  );
}

/**
 * Makes sure the node to drain runs kuard, or the drain would prove nothing: while it holds
 * none, the lab moves a replica off the busiest node (its replacement lands on the emptiest),
 * one at a time, each once kuard is fully available again.
 */
async function placeOnNode(ctx: LabContext): Promise<void> {
  await pollUntil(
    async () => {
      const pods = await kuardPods(ctx);
      if (pods.some((p) => p.spec?.nodeName === NODE)) return { value: undefined };
      // A replica moved a moment ago may not show in the Deployment's status yet: count the pods too.
      const waiting =
        (await unavailable(ctx)) ??
        (pods.filter(isPodReady).length === REPLICAS && pods.length === REPLICAS ? undefined : `${pods.length} replicas, not all Ready`);
      if (waiting) return { state: `no replica on ${NODE}; ${waiting}` };
      const busiest = [...Map.groupBy(pods, (p) => p.spec?.nodeName ?? '').values()].sort((a, b) => b.length - a.length)[0]![0]!;
      await ignoreNotFound(ctx.core.deleteNamespacedPod({ name: busiest.metadata!.name!, namespace: NAMESPACE }));
      return { state: `no replica on ${NODE}; moved ${busiest.metadata!.name} off ${busiest.spec?.nodeName}` };
    },
    {
      timeoutMs: 180_000,
      describe: `a kuard replica on ${NODE}`,
      fix: `kubectl get pods -n ${NAMESPACE} -o wide; kubectl get node ${NODE}`,
    },
  );
}

/** The lab's starting state: the node registered and schedulable, kuard fully available with a replica on it, and a fresh record. */
export async function restoreStart(ctx: LabContext): Promise<void> {
  await ctx.apply(MANIFESTS);
  if (!(await readNode(ctx, NODE))) await requireNodes(ctx).rebuild(NODE);
  await ctx.kubectl(['uncordon', NODE]);
  await waitAvailable(ctx);
  await placeOnNode(ctx);
  const pdb = await ctx.kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: DEPLOYMENT, namespace: NAMESPACE });
  await startWatcher(
    ctx.kc,
    { namespace: NAMESPACE, deployment: DEPLOYMENT, node: NODE },
    RECORD,
    Number(pdb.spec?.minAvailable ?? MIN_AVAILABLE),
  );
}

export async function drain(ctx: LabContext): Promise<void> {
  if (await readNode(ctx, NODE)) await ctx.kubectl(['drain', NODE, '--ignore-daemonsets', '--timeout=120s']);
}

/** Deletes the node's Node object and waits until the API no longer has it. */
export async function deleteNode(ctx: LabContext): Promise<void> {
  if (await readNode(ctx, NODE)) await ctx.kubectl(['delete', 'node', NODE]);
  await pollUntil(async () => ((await readNode(ctx, NODE)) ? { state: `Node ${NODE} still there` } : { value: undefined }), {
    timeoutMs: 30_000,
    intervalMs: 100,
    describe: `Node ${NODE} to be deleted`,
    fix: `kubectl get node ${NODE} -o yaml (a finalizer?)`,
  });
}
