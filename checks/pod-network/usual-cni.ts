// The cluster's usual CNI (kubelab-net) while the lab runs: parked by a nodeSelector no node
// carries (the mark readiness knows, so kubelab still starts the cluster), a copy kept in
// kube-system in case a learner deletes it, and given back for the lab that comes next.
import type { V1ConfigMap, V1DaemonSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  ignoreNotFound,
  isParkedNetwork,
  PARKED_NETWORK,
  pollUntil,
  readObject,
  UserError,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { USUAL_CNI } from './constants.ts';

const WAIT_MS = 180_000;

const readUsual = (ctx: LabContext) =>
  ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: USUAL_CNI.name, namespace: USUAL_CNI.namespace }));

/** Whether the usual CNI is parked: the mark readiness reads, so both agree. */
export const isParked = (ds: V1DaemonSet | undefined) => ds !== undefined && isParkedNetwork(ds);

async function setNodeSelector(ctx: LabContext, selector: Record<string, string> | null): Promise<void> {
  const patch = { spec: { template: { spec: { nodeSelector: selector } } } };
  await ctx.kubectl(['-n', USUAL_CNI.namespace, 'patch', 'daemonset', USUAL_CNI.name, '--type', 'merge', '-p', JSON.stringify(patch)]);
}

/** The DaemonSet as it ran, unparked, without what the API server adds: what re-creating it needs. */
function keepable(ds: V1DaemonSet): object {
  const { nodeSelector: _parked, ...podSpec } = ds.spec?.template.spec ?? { containers: [] };
  const selector = isParked(ds) ? undefined : ds.spec?.template.spec?.nodeSelector;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: ds.metadata?.name, namespace: ds.metadata?.namespace, labels: ds.metadata?.labels },
    spec: { ...ds.spec, template: { ...ds.spec?.template, spec: { ...podSpec, ...(selector ? { nodeSelector: selector } : {}) } } },
  };
}

/** The usual CNI stops on every node, its DaemonSet kept (and a copy of it) for later. */
export async function parkUsualCni(ctx: LabContext): Promise<void> {
  const ds = await readUsual(ctx);
  if (!ds) return;
  if (!(await readObject(ctx, 'v1', 'ConfigMap', USUAL_CNI.copy, USUAL_CNI.namespace))) {
    const data = { 'daemonset.yaml': stringify(keepable(ds)) };
    const note = { 'kubelab.dev/note': 'the pod-network lab puts kubelab-net back from this if it is gone' };
    await ctx.apply(
      stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: USUAL_CNI.copy, namespace: USUAL_CNI.namespace, annotations: note },
        data,
      }),
    );
  }
  if (!isParked(ds)) await setNodeSelector(ctx, { [PARKED_NETWORK.key]: PARKED_NETWORK.value });
  await pollUntil(
    async () => {
      const left = (await ctx.core.listNamespacedPod({ namespace: USUAL_CNI.namespace, labelSelector: `app=${USUAL_CNI.name}` })).items
        .length;
      return left === 0 ? { value: true } : { state: `${left} pods` };
    },
    { timeoutMs: WAIT_MS, describe: `${USUAL_CNI.name} pods gone` },
  );
}

/** Whether the lab took the network here: the usual CNI is parked, or only the lab's copy of it is left. */
export async function usualCniTaken(ctx: LabContext): Promise<boolean> {
  const ds = await readUsual(ctx);
  return ds ? isParked(ds) : Boolean(await readObject(ctx, 'v1', 'ConfigMap', USUAL_CNI.copy, USUAL_CNI.namespace));
}

/** Refuses, before anything changes, to give back a usual CNI that is gone with no copy of it. */
export async function requireUsualCni(ctx: LabContext): Promise<void> {
  if ((await readUsual(ctx)) || (await readObject(ctx, 'v1', 'ConfigMap', USUAL_CNI.copy, USUAL_CNI.namespace))) return;
  throw new UserError(
    `DaemonSet ${USUAL_CNI.namespace}/${USUAL_CNI.name}, the cluster's usual pod network, is gone and the lab kept no copy`,
    {
      fix: 'kubelab delete and up the cluster again, or install a CNI of your own',
    },
  );
}

/** The usual CNI runs again on every node, re-created from the lab's copy if it is gone; its new pods write each node's configuration and routes. */
export async function unparkUsualCni(ctx: LabContext): Promise<void> {
  if (!(await readUsual(ctx))) {
    const copy = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', USUAL_CNI.copy, USUAL_CNI.namespace);
    await ctx.apply(copy?.data?.['daemonset.yaml'] ?? '');
  } else {
    await setNodeSelector(ctx, null);
  }
  await ctx.kubectl(['-n', USUAL_CNI.namespace, 'rollout', 'status', 'daemonset', USUAL_CNI.name, `--timeout=${WAIT_MS / 1000}s`]);
  await ctx.kubectl(['-n', USUAL_CNI.namespace, 'delete', 'configmap', USUAL_CNI.copy, '--ignore-not-found']);
}
