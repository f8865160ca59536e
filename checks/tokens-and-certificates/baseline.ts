// What the cluster looked like when the lab started, kept in a ConfigMap: its bootstrap tokens,
// the token the lab planted, the certificates the API server and etcd served, and kubeadm's
// ClusterConfiguration. Checks compare with it; resets go back to it.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { readObject, tokenFacts, tokenSecrets, type CheckContext, type LabContext } from '../../src/engine/sdk.ts';
import { kubeadmClusterConfiguration, servedSerials } from './cluster.ts';
import { BASELINE, POLICY } from './constants.ts';
import type { StartToken } from './judge.ts';
import { plantForever } from './planted.ts';

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

const startTokens = async (ctx: CheckContext) =>
  (await tokenSecrets(ctx)).map(tokenFacts).map((t) => ({ id: t.id, expires: t.expires?.toISOString() }));

/**
 * Records the starting state once, and plants the forgotten token: starting again keeps what the
 * learner did since. Everything is read before the token is planted, so a failed read plants none.
 */
export async function recordBaseline(ctx: LabContext): Promise<void> {
  if (await readBaseline(ctx)) return;
  const tokens = await startTokens(ctx);
  const served = await servedSerials(ctx);
  const clusterConfiguration = await kubeadmClusterConfiguration(ctx);
  if (!clusterConfiguration) throw new Error(`kube-system/${POLICY.configMap} has no ${POLICY.key}: was this cluster made with kubeadm?`);
  await write(ctx, { tokens, planted: await plantForever(ctx), ...served, clusterConfiguration, started: new Date().toISOString() });
}

/**
 * Exercise 1 again: the learner's tokens go and the forgotten token is back (under a new id). The
 * start's tokens the learner deleted cannot come back (their secrets are gone), so the ones left
 * become the tokens to leave alone.
 */
export async function replantTokens(ctx: LabContext, baseline: Baseline): Promise<void> {
  const start = new Set(baseline.tokens.map((t) => t.id));
  for (const t of (await tokenSecrets(ctx)).map(tokenFacts))
    if (!start.has(t.id)) await ctx.kubectl(['delete', 'secret', `bootstrap-token-${t.id}`, '-n', 'kube-system', '--ignore-not-found']);
  await write(ctx, { ...baseline, tokens: await startTokens(ctx), planted: await plantForever(ctx) });
}

/** Exercise 3 again: what is served now becomes what a renewal must replace. */
export async function rebaseCertificates(ctx: LabContext, baseline: Baseline): Promise<void> {
  await write(ctx, { ...baseline, ...(await servedSerials(ctx)) });
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
