// Exercise 3: renew every certificate under the policy, and restart what must be restarted.
// kube-apiserver and etcd pick up a renewed serving certificate by themselves, but the client
// certificates in the components' kubeconfigs (and the API server's own client certificates) are
// read once, at start: kubeadm says so when it renews. Judged on what serves now (both serving
// certificates, read off TLS handshakes) and on when each static pod's container last started.
import type { X509Certificate } from 'node:crypto';
import {
  CONTROL_PLANE,
  controlPlaneRunning,
  fail,
  pass,
  servingCertificate,
  staleComponents,
  type CheckContext,
  type Exercise,
  type LabContext,
  type Observation,
} from '../../src/engine/sdk.ts';
import { baselineOrFix, readBaseline, rebaseCertificates, type Baseline } from './baseline.ts';
import { etcdCertificate } from './cluster.ts';
import { POLICY } from './constants.ts';
import { issuedAt, lifetimeProblem } from './judge.ts';
import { SET_POLICY } from './policy.ts';
import { onControlPlane } from './shell.ts';

/** kube-apiserver and etcd load a renewed serving certificate within seconds. */
const SETTLE_MS = 15_000;
/** A restarted control plane is ready again within half a minute on kind. */
const RESTART_MS = 30_000;

type Served = { baseline: Baseline; apiserver: X509Certificate; etcd: X509Certificate };

async function served(ctx: CheckContext): Promise<Served | Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail('the certificates served when the exercise began', baseline);
  return { baseline, apiserver: await servingCertificate(ctx.kc), etcd: await etcdCertificate(ctx) };
}

function renewal(what: string, cert: X509Certificate, before: string): Observation {
  if (cert.serialNumber === before)
    return fail(`a certificate renewed since the exercise began`, `${what} still serves serial ${cert.serialNumber}`);
  const problem = lifetimeProblem(cert);
  return problem
    ? fail(`a renewed certificate valid for ${POLICY.days} days, as the policy says`, `${what}'s is renewed, but ${problem}`)
    : pass(`${what} serves serial ${cert.serialNumber}, valid until ${cert.validTo}`);
}

async function checkApiserver(ctx: CheckContext): Promise<Observation> {
  const s = await served(ctx);
  return 'pass' in s ? s : renewal('the API server', s.apiserver, s.baseline.apiserverSerial);
}

async function checkEtcd(ctx: CheckContext): Promise<Observation> {
  const s = await served(ctx);
  return 'pass' in s ? s : renewal('etcd', s.etcd, s.baseline.etcdSerial);
}

async function checkRestarted(ctx: CheckContext): Promise<Observation> {
  const s = await served(ctx);
  if ('pass' in s) return s;
  const renewedOnes = [s.apiserver, s.etcd].filter((c, i) => c.serialNumber !== [s.baseline.apiserverSerial, s.baseline.etcdSerial][i]);
  const wanted = `${CONTROL_PLANE.join(', ')} restarted after a renewal under the policy`;
  if (renewedOnes.length === 0) return fail(wanted, 'nothing renewed yet');
  const offPolicy = renewedOnes.map(lifetimeProblem).find(Boolean);
  if (offPolicy) return fail(wanted, `a renewal, but not under the policy (${offPolicy}): set the policy, then renew again`);
  const renewed = new Date(Math.max(...renewedOnes.map((c) => issuedAt(c).getTime())));
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane' })).items;
  const stale = staleComponents(controlPlaneRunning(pods), renewed, 'renewal');
  return stale.length
    ? fail(`${CONTROL_PLANE.join(', ')} each started after the renewal, and ready`, stale.join('; '))
    : pass(`all four restarted after the renewal at ${renewed.toISOString()}, and ready`);
}

export const renew: Exercise = {
  id: 'renew',
  title: 'Renew everything under the policy, and restart what must be restarted',
  task: `Renew every certificate kubeadm manages, so that each lives ${POLICY.days} days, then restart the control-plane components so that all of them run with what was renewed.`,
  checks: [
    {
      id: 'apiserver',
      title: `The API server serves a renewed ${POLICY.days}-day certificate`,
      points: 2,
      hint: 'kubeadm certs renew --help lists what it can renew, and one word renews them all; kubeadm reads the policy from the cluster when it renews, so set the policy first',
      timeoutMs: SETTLE_MS,
      run: checkApiserver,
    },
    {
      id: 'etcd',
      title: `etcd serves a renewed ${POLICY.days}-day certificate`,
      points: 1,
      hint: 'etcd has certificates of its own (kubeadm certs check-expiration lists them, with their CA); renewing only the API server’s leaves them as they were',
      timeoutMs: SETTLE_MS,
      run: checkEtcd,
    },
    {
      id: 'restarted',
      title: 'Every control-plane component restarted after the renewal',
      points: 3,
      hint: 'a static pod is run by the kubelet from its manifest: deleting its mirror pod in the API does not restart it. Moving the manifest out of /etc/kubernetes/manifests and back does, and so does stopping its container with crictl, since the kubelet starts it again',
      timeoutMs: RESTART_MS,
      run: checkRestarted,
    },
  ],
  solution: (ctx) => [
    // Exercise 2's policy first (again, if it is already set): kubeadm reads it as it renews.
    SET_POLICY,
    onControlPlane(ctx, 'kubeadm certs check-expiration'),
    onControlPlane(ctx, 'kubeadm certs renew all'),
    onControlPlane(ctx, `crictl ps -q --name '^(${CONTROL_PLANE.join('|')})$' | xargs crictl stop`),
    // Nothing answers through the API while kube-apiserver restarts: wait for it, as a learner would.
    "timeout 120 sh -c 'until kubectl get --raw /readyz >/dev/null 2>&1; do sleep 2; done'",
  ],
  async reset(ctx: LabContext) {
    const baseline = await readBaseline(ctx);
    if (baseline) await rebaseCertificates(ctx, baseline);
  },
};
