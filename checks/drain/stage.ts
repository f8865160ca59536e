// Setting the stage: the node to drain holds two kuard replicas (under a budget that allows no
// eviction yet), the cache with its emptyDir and the hand-made toolbox pod; kuard is fully
// available; the node is registered and schedulable; a fresh availability watcher records it all.
import { PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import {
  DEFAULT_MAX_PODS,
  eventsWithReason,
  ignoreNotFound,
  isPodReady,
  parseNodes,
  pollUntil,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { CACHE, DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE, ON_NODE, RECORD, REPLICAS, TOOLBOX } from './constants.ts';
import { BUDGET, CACHE_DEPLOYMENT, kuard, NAMESPACES, TOOLBOX_POD } from './manifests.ts';
import { otherSchedulableWorkers, restoreNodes } from './nodes.ts';
import { startWatcher } from './watcher/launch.ts';

/** The notes' five workers (kubworker1…5) behind a control plane. */
export const NODES = parseNodes('6', DEFAULT_MAX_PODS);

const policy = (ctx: LabContext) => ctx.kc.makeApiClient(PolicyV1Api);

async function labPods(ctx: LabContext): Promise<V1Pod[]> {
  return (await ctx.core.listNamespacedPod({ namespace: NAMESPACE })).items;
}

const onNode = (pods: V1Pod[], app: string) =>
  pods.filter((p) => p.metadata?.labels?.app === app && p.spec?.nodeName === NODE && !p.metadata?.deletionTimestamp && isPodReady(p));

/** What keeps the workloads from the starting state, or undefined when they are in it. */
async function startProblem(ctx: LabContext): Promise<string | undefined> {
  const deployment = await ignoreNotFound(ctx.apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace: NAMESPACE }));
  if (deployment?.spec?.replicas !== REPLICAS || deployment.status?.availableReplicas !== REPLICAS) return 'kuard not at its replicas';
  const pdb = await ignoreNotFound(policy(ctx).readNamespacedPodDisruptionBudget({ name: DEPLOYMENT, namespace: NAMESPACE }));
  if (pdb?.spec?.minAvailable !== MIN_AVAILABLE || pdb.spec.maxUnavailable !== undefined) return 'the budget changed';
  const pods = await labPods(ctx);
  if (onNode(pods, 'kuard').length < ON_NODE) return `fewer than ${ON_NODE} kuard replicas on ${NODE}`;
  if (onNode(pods, CACHE).filter((p) => p.spec?.volumes?.some((v) => v.emptyDir)).length !== 1)
    return `no ${CACHE} pod with its emptyDir on ${NODE}`;
  const toolbox = pods.find((p) => p.metadata?.name === TOOLBOX);
  if (!toolbox || toolbox.metadata?.ownerReferences?.length || onNode([toolbox], TOOLBOX).length !== 1)
    return `no bare ${TOOLBOX} pod on ${NODE}`;
  if (pods.length !== REPLICAS + 2 || pods.some((p) => p.metadata?.deletionTimestamp)) return 'other pods in the namespace';
  return undefined;
}

/** Why pods wait, in a few words: the scheduler's latest complaint. */
async function schedulingTrouble(ctx: LabContext): Promise<string> {
  const why = (await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling'))[0]?.message;
  return why ? ` (${why.split('. ')[0]})` : '';
}

async function clearWorkloads(ctx: LabContext): Promise<void> {
  await ctx.kubectl([
    'delete',
    'deployments,replicasets,pods,poddisruptionbudgets',
    '--all',
    '-n',
    NAMESPACE,
    '--wait=true',
    '--timeout=180s',
  ]);
}

/**
 * Puts two kuard replicas, the cache and the toolbox on the node to drain: while they are
 * created the other workers are cordoned, so the scheduler has one choice. Then kuard grows to
 * its full size, spread by the scheduler as usual.
 */
async function placeOnNode(ctx: LabContext): Promise<void> {
  const others = await otherSchedulableWorkers(ctx);
  if (others.length) await ctx.kubectl(['cordon', ...others]);
  try {
    await ctx.apply([kuard(ON_NODE), BUDGET, CACHE_DEPLOYMENT, TOOLBOX_POD].join('---\n'));
    await pollUntil(
      async () => {
        const pods = await labPods(ctx);
        const placed = [onNode(pods, 'kuard').length, onNode(pods, CACHE).length, onNode(pods, TOOLBOX).length];
        if (placed.join() === `${ON_NODE},1,1`) return { value: undefined };
        return {
          state: `Ready on ${NODE}: ${placed[0]} kuard, ${placed[1]} ${CACHE}, ${placed[2]} ${TOOLBOX}${await schedulingTrouble(ctx)}`,
        };
      },
      {
        timeoutMs: 180_000,
        describe: `${ON_NODE} kuard replicas, the ${CACHE} and the ${TOOLBOX} Ready on ${NODE}`,
        fix: `kubectl get pods -n ${NAMESPACE} -o wide; kubectl describe node ${NODE}`,
      },
    );
  } finally {
    if (others.length) await ctx.kubectl(['uncordon', ...others]);
  }
}

async function waitAvailable(ctx: LabContext): Promise<void> {
  await pollUntil(
    async () => {
      const d = await ctx.apps.readNamespacedDeployment({ name: DEPLOYMENT, namespace: NAMESPACE });
      const done =
        (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        d.status?.availableReplicas === REPLICAS &&
        d.status?.replicas === REPLICAS;
      if (done) return { value: undefined };
      return { state: `${d.status?.availableReplicas ?? 0}/${REPLICAS} replicas available${await schedulingTrouble(ctx)}` };
    },
    {
      timeoutMs: 120_000,
      describe: `deployment ${NAMESPACE}/${DEPLOYMENT} to have all ${REPLICAS} replicas available`,
      fix: `the workers need room for ${REPLICAS} more pods: remove other labs’ workloads (kubectl get pods -A -o wide), or use another cluster with --name`,
    },
  );
}

/** A namespace on its way out takes no new objects: wait until it is gone (a learner may have deleted it). */
async function waitNamespaceGone(ctx: LabContext): Promise<void> {
  await pollUntil(
    async () => {
      const ns = await ignoreNotFound(ctx.core.readNamespace({ name: NAMESPACE }));
      return ns?.metadata?.deletionTimestamp ? { state: `namespace ${NAMESPACE} terminating` } : { value: undefined };
    },
    { timeoutMs: 180_000, describe: `namespace ${NAMESPACE} to finish terminating`, fix: `kubectl get all -n ${NAMESPACE}` },
  );
}

/** The lab's starting state, from whatever the cluster holds; then a fresh record. */
export async function restoreStart(ctx: LabContext): Promise<void> {
  await waitNamespaceGone(ctx);
  await ctx.apply(NAMESPACES);
  await restoreNodes(ctx);
  if (await startProblem(ctx)) {
    await clearWorkloads(ctx);
    await placeOnNode(ctx);
    await ctx.apply(kuard(REPLICAS));
    await waitAvailable(ctx);
  }
  await startWatcher(ctx.kc, { namespace: NAMESPACE, deployment: DEPLOYMENT, node: NODE }, RECORD, MIN_AVAILABLE);
}
