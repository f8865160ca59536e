// Exercise: what kubeadm join's discovery reads, cluster-info, is public while kubeadm-config
// is not; and the CA hash a join pins, computed from cluster-info's CA.
import { caCertHash, fail, pass, type CheckContext, type Exercise, type LabContext, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, putAnswers } from './answers.ts';
import { anonymousStatus, clusterInfoCa } from './cluster.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';

async function anonymousStatuses(ctx: CheckContext): Promise<Record<string, string>> {
  return {
    'cluster-info-status': String(await anonymousStatus(ctx.kc, 'kube-public', 'cluster-info')),
    'kubeadm-config-status': String(await anonymousStatus(ctx.kc, 'kube-system', 'kubeadm-config')),
  };
}

async function checkAnonymous(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.discovery);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.discovery}`, 'no such ConfigMap');
  const live = await anonymousStatuses(ctx);
  const wrong = Object.entries(live).filter(([key, status]) => data[key]?.trim() !== status);
  return wrong.length === 0
    ? pass(`anonymous GET: cluster-info ${live['cluster-info-status']}, kubeadm-config ${live['kubeadm-config-status']}`)
    : fail(
        'the HTTP status an anonymous request really gets for each',
        wrong.map(([key]) => `${key}: ${data[key] ?? '(missing)'}`).join(', '),
      );
}

async function checkCaHash(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.discovery);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.discovery}`, 'no such ConfigMap');
  const expected = caCertHash(await clusterInfoCa(ctx));
  const answered = data['ca-cert-hash']?.trim().toLowerCase() ?? '';
  if (answered === expected) return pass(`ca-cert-hash ${expected}`);
  if (answered && !answered.startsWith('sha256:'))
    return fail('sha256:<64 hex digits>', `ca-cert-hash ${answered} (prefix it with sha256:)`);
  return fail('the SHA-256 of the cluster CA’s public key (SPKI, DER)', `ca-cert-hash ${answered || '(missing)'}`);
}

async function solveDiscovery(ctx: LabContext): Promise<void> {
  await putAnswers(ctx, ANSWERS.discovery, { ...(await anonymousStatuses(ctx)), 'ca-cert-hash': caCertHash(await clusterInfoCa(ctx)) });
}

export const clusterInfo: Exercise = {
  id: 'cluster-info',
  title: 'Read cluster-info anonymously and compute the CA hash',
  task: `Without credentials (curl -k, no token, no certificate) GET kube-public/configmaps/cluster-info and kube-system/configmaps/kubeadm-config from the API server. Record the two HTTP status codes under "cluster-info-status" and "kubeadm-config-status", and the CA hash a join needs (sha256:<hex of the CA public key>) under "ca-cert-hash", in ConfigMap ${ANSWERS.discovery} (namespace ${NAMESPACE}).`,
  checks: [
    {
      id: 'anonymous-access',
      title: 'The recorded status codes are what an anonymous request gets',
      points: 2,
      hint: 'curl -sk -o /dev/null -w "%{http_code}\\n" https://127.0.0.1:<port>/api/v1/namespaces/kube-public/configmaps/cluster-info',
      run: checkAnonymous,
    },
    {
      id: 'ca-cert-hash',
      title: 'ca-cert-hash is the SHA-256 of the cluster CA’s public key',
      points: 2,
      hint: 'openssl x509 -pubkey -noout -in "$(dirname "$KUBECONFIG")/pki/ca.crt" | openssl pkey -pubin -outform der | sha256sum',
      run: checkCaHash,
    },
  ],
  solve: solveDiscovery,
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.discovery),
};
