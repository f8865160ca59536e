// What the cluster looked like when the lab started, kept in a ConfigMap next to the answers:
// the bootstrap tokens it already had (kubeadm init's), and the certificate the API server
// served. Checks compare with it: a token the learner made is one that was not there, and a
// renewed certificate is one with another serial.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { readObject, servingCertificate, tokenFacts, tokenSecrets, type CheckContext, type LabContext } from '../../src/engine/sdk.ts';
import { BASELINE, NAMESPACE } from './constants.ts';
import { allSans } from './x509.ts';

export interface Baseline {
  tokens: string[];
  apiserverSerial: string;
  apiserverSans: string[];
}

export async function readBaseline(ctx: CheckContext): Promise<Baseline | undefined> {
  const data = (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', BASELINE, NAMESPACE))?.data;
  if (!data?.['apiserver-serial']) return undefined;
  const words = (key: string) => (data[key] ?? '').split(/\s+/).filter(Boolean);
  return { tokens: words('tokens'), apiserverSerial: data['apiserver-serial'], apiserverSans: words('apiserver-sans') };
}

async function write(ctx: LabContext, baseline: Baseline): Promise<void> {
  const data = {
    tokens: baseline.tokens.join(' '),
    'apiserver-serial': baseline.apiserverSerial,
    'apiserver-sans': baseline.apiserverSans.join(' '),
  };
  const annotations = { 'kubelab.dev/note': 'the kubeadm-init lab compares with this; kubelab reset kubeadm-init rewrites it' };
  await ctx.apply(
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: BASELINE, namespace: NAMESPACE, annotations }, data }),
  );
}

async function servedNow(ctx: LabContext): Promise<Pick<Baseline, 'apiserverSerial' | 'apiserverSans'>> {
  const cert = await servingCertificate(ctx.kc);
  return { apiserverSerial: cert.serialNumber, apiserverSans: allSans(cert) };
}

/** Records the starting state once: starting the lab again must not forget what the learner did since. */
export async function recordBaseline(ctx: LabContext): Promise<void> {
  if (await readBaseline(ctx)) return;
  const tokens = (await tokenSecrets(ctx)).map((s) => tokenFacts(s).id).sort();
  await write(ctx, { tokens, ...(await servedNow(ctx)) });
}

/** The certificate served now becomes the one a renewal must replace. */
export async function rebaseCertificate(ctx: LabContext): Promise<void> {
  const baseline = await readBaseline(ctx);
  const tokens = baseline?.tokens ?? (await tokenSecrets(ctx)).map((s) => tokenFacts(s).id).sort();
  await write(ctx, { tokens, ...(await servedNow(ctx)) });
}

/** The baseline, or a line telling how to get one (a cluster set up before the lab kept it). */
export async function baselineOrFix(ctx: CheckContext): Promise<Baseline | string> {
  return (
    (await readBaseline(ctx)) ??
    `no ConfigMap ${NAMESPACE}/${BASELINE}, where the lab keeps its starting state: run npx kubelab start kubeadm-init`
  );
}
