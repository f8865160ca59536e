// What the cluster looked like when the lab started, kept in a ConfigMap: its bootstrap tokens,
// the token the lab planted, the certificates the API server and etcd served, and kubeadm's
// ClusterConfiguration. Checks compare with it; resets go back to it.
import { randomBytes } from 'node:crypto';
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  readObject,
  servedCertificate,
  servingCertificate,
  TOKEN_TYPE,
  tokenFacts,
  tokenSecrets,
  type CheckContext,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { BASELINE, FOREVER, POLICY } from './constants.ts';
import type { StartToken } from './judge.ts';

export interface Baseline {
  tokens: StartToken[];
  planted: string;
  apiserverSerial: string;
  etcdSerial: string;
  clusterConfiguration: string;
  started: string;
}

export async function readBaseline(ctx: CheckContext): Promise<Baseline | undefined> {
  const data = (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', BASELINE.name, BASELINE.namespace))?.data;
  if (!data?.['apiserver-serial']) return undefined;
  return {
    tokens: JSON.parse(data.tokens ?? '[]') as StartToken[],
    planted: data.planted ?? '',
    apiserverSerial: data['apiserver-serial'],
    etcdSerial: data['etcd-serial'] ?? '',
    clusterConfiguration: data['cluster-configuration'] ?? '',
    started: data.started ?? '',
  };
}

/** The baseline, or a line telling how to get one. */
export async function baselineOrFix(ctx: CheckContext): Promise<Baseline | string> {
  return (
    (await readBaseline(ctx)) ??
    `no ConfigMap ${BASELINE.namespace}/${BASELINE.name}, where the lab keeps its starting state: run npx kubelab start tokens-and-certificates`
  );
}

async function write(ctx: LabContext, b: Baseline): Promise<void> {
  const data = {
    tokens: JSON.stringify(b.tokens),
    planted: b.planted,
    'apiserver-serial': b.apiserverSerial,
    'etcd-serial': b.etcdSerial,
    'cluster-configuration': b.clusterConfiguration,
    started: b.started,
  };
  const annotations = { 'kubelab.dev/note': 'the tokens-and-certificates lab compares with this; kubelab reset rewrites it' };
  await ctx.apply(stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...BASELINE, annotations }, data }));
}

/** Where etcd serves its clients, as kubeadm records it on etcd's mirror pod. */
export async function etcdAddress(ctx: CheckContext): Promise<string> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=etcd,tier=control-plane' })).items;
  const url = pods.map((p: V1Pod) => p.metadata?.annotations?.['kubeadm.kubernetes.io/etcd.advertise-client-urls']).find(Boolean);
  if (!url) throw new Error('etcd’s mirror pod names no client address: is the kubelet on kub1 running?');
  return url.split(',')[0]!;
}

export const etcdCertificate = async (ctx: CheckContext) => servedCertificate(await etcdAddress(ctx));

export async function kubeadmClusterConfiguration(ctx: CheckContext): Promise<string> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', POLICY.configMap, 'kube-system');
  const text = cm?.data?.[POLICY.key];
  if (!text) throw new Error(`kube-system/${POLICY.configMap} has no ${POLICY.key}: was this cluster made with kubeadm?`);
  return text;
}

/** A token made for an old job and forgotten: no expiry, full join rights. */
async function plantForever(ctx: LabContext): Promise<string> {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
  const id = pick(6);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TOKEN_TYPE,
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    stringData: {
      'token-id': id,
      'token-secret': pick(16),
      description: FOREVER.description,
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    },
  };
  await ctx.kubectl(['create', '-f', '-'], JSON.stringify(secret));
  return id;
}

async function served(ctx: CheckContext): Promise<Pick<Baseline, 'apiserverSerial' | 'etcdSerial'>> {
  return { apiserverSerial: (await servingCertificate(ctx.kc)).serialNumber, etcdSerial: (await etcdCertificate(ctx)).serialNumber };
}

/** Records the starting state once, and plants the forgotten token: starting again keeps what the learner did since. */
export async function recordBaseline(ctx: LabContext): Promise<void> {
  if (await readBaseline(ctx)) return;
  const tokens = (await tokenSecrets(ctx)).map(tokenFacts).map((t) => ({ id: t.id, expires: t.expires?.toISOString() }));
  await write(ctx, {
    tokens,
    planted: await plantForever(ctx),
    ...(await served(ctx)),
    clusterConfiguration: await kubeadmClusterConfiguration(ctx),
    started: new Date().toISOString(),
  });
}

/** Exercise 1 again: the learner's tokens go, and the forgotten token is back (under a new id). */
export async function replantTokens(ctx: LabContext, baseline: Baseline): Promise<void> {
  const start = new Set(baseline.tokens.map((t) => t.id));
  for (const t of (await tokenSecrets(ctx)).map(tokenFacts))
    if (!start.has(t.id)) await ctx.kubectl(['delete', 'secret', `bootstrap-token-${t.id}`, '-n', 'kube-system', '--ignore-not-found']);
  await write(ctx, { ...baseline, planted: await plantForever(ctx) });
}

/** Exercise 3 again: what is served now becomes what a renewal must replace. */
export async function rebaseCertificates(ctx: LabContext, baseline: Baseline): Promise<void> {
  await write(ctx, { ...baseline, ...(await served(ctx)) });
}

/** Exercise 2 again: kubeadm's ClusterConfiguration as the lab found it. */
export async function restoreClusterConfiguration(ctx: LabContext, baseline: Baseline): Promise<void> {
  await ctx.kubectl([
    'patch',
    'configmap',
    POLICY.configMap,
    '-n',
    'kube-system',
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data: { [POLICY.key]: baseline.clusterConfiguration } }),
  ]);
}
