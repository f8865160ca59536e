// What the lab planted and recorded when it started, kept in a ConfigMap: the orders namespace and
// its ConfigMaps by uid (a restore brings back these very objects; made again, they get new
// uids), and the directory on kub1 that etcd kept its data in.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ignoreNotFound, mirrorPodOf, readObject, type CheckContext, type LabContext } from '../../src/engine/sdk.ts';
import { BASELINE, ORDERS } from './constants.ts';
import { etcdHostDataDir, type Uids } from './judge.ts';

export interface Baseline {
  uids: Uids;
  dataDir: string;
  started: string;
}

export async function readBaseline(ctx: CheckContext): Promise<Baseline | undefined> {
  const data = (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', BASELINE.name, BASELINE.namespace))?.data;
  if (!data?.uids) return undefined;
  return { uids: JSON.parse(data.uids) as Uids, dataDir: data['data-dir'] ?? '', started: data.started ?? '' };
}

export async function baselineOrFix(ctx: CheckContext): Promise<Baseline | string> {
  return (
    (await readBaseline(ctx)) ??
    `no ConfigMap ${BASELINE.namespace}/${BASELINE.name}, where the lab keeps its starting state: run npx kubelab start etcd-backup`
  );
}

/** The orders namespace and its ConfigMaps as they are now, by uid. */
export async function currentUids(ctx: CheckContext): Promise<{ namespace?: string; configMaps: Record<string, string | undefined> }> {
  const ns = await ignoreNotFound(ctx.core.readNamespace({ name: ORDERS.namespace }));
  const configMaps: Record<string, string | undefined> = {};
  for (const name of ORDERS.configMaps)
    configMaps[name] = (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', name, ORDERS.namespace))?.metadata?.uid;
  return { namespace: ns?.metadata?.uid, configMaps };
}

/** The directory on kub1 that etcd runs on now, read off its mirror pod. */
export async function etcdDataDirNow(ctx: CheckContext): Promise<string | undefined> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane' })).items;
  return etcdHostDataDir(mirrorPodOf('etcd', pods));
}

/** Orders the shop would hate to lose: a namespace and a few ConfigMaps, made if missing. */
async function plantOrders(ctx: LabContext): Promise<void> {
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ORDERS.namespace } },
    ...ORDERS.configMaps.map((name, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: ORDERS.namespace },
      data: { customer: ['ada', 'grace', 'linus'][i % 3]!, items: String(2 + i), status: 'paid' },
    })),
  ];
  await ctx.apply(docs.map((d) => stringify(d)).join('---\n'));
}

/** What is there now becomes what a restore must bring back, and the directory etcd runs on what it must leave. */
export async function rebase(ctx: LabContext): Promise<void> {
  await plantOrders(ctx);
  const now = await currentUids(ctx);
  const uids: Uids = {
    namespace: now.namespace ?? '',
    configMaps: Object.fromEntries(Object.entries(now.configMaps).map(([k, v]) => [k, v ?? ''])),
  };
  const dataDir = await etcdDataDirNow(ctx);
  if (!dataDir) throw new Error('etcd’s mirror pod shows no data directory: is kub1’s kubelet running it from kubeadm’s manifest?');
  const data = { uids: JSON.stringify(uids), 'data-dir': dataDir, started: new Date().toISOString() };
  const annotations = { 'kubelab.dev/note': 'the etcd-backup lab compares with this; kubelab reset rewrites it' };
  await ctx.apply(stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...BASELINE, annotations }, data }));
}

/** Records the starting state once: starting the lab again keeps what the learner did since. */
export async function recordBaseline(ctx: LabContext): Promise<void> {
  if (!(await readBaseline(ctx))) await rebase(ctx);
}
