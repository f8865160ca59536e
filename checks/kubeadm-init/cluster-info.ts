// Exercise: what kubeadm join's discovery reads, cluster-info, is public while kubeadm-config
// is not; and the CA hash a join pins, computed from cluster-info's CA.
import { createHash, X509Certificate } from 'node:crypto';
import { caCertHash, fail, pass, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, noAnswers, recordCommand } from './answers.ts';
import { anonymousStatus, clusterInfoCa } from './cluster.ts';
import { CA_HASH, SERVER } from './commands.ts';
import { ANSWERS } from './constants.ts';

const PROBES = {
  'cluster-info-status': ['kube-public', 'cluster-info'],
  'kubeadm-config-status': ['kube-system', 'kubeadm-config'],
} as const;

/** The status code in an answer, written as curl prints it (403) or with its reason (403 Forbidden). */
const statusCode = (answer: string | undefined) => /^\s*(\d{3})\b/.exec(answer ?? '')?.[1];

async function checkAnonymous(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.discovery);
  const expected = 'the HTTP status an anonymous GET really gets, for each ConfigMap';
  if (!data) return fail(expected, noAnswers(ANSWERS.discovery));
  const wrong: string[] = [];
  for (const [key, [namespace, name]] of Object.entries(PROBES)) {
    const live = String(await anonymousStatus(ctx.kc, namespace, name));
    if (statusCode(data[key]) !== live)
      wrong.push(`${key} ${data[key]?.trim() || '(missing)'} is not what a request without credentials gets`);
  }
  return wrong.length === 0 ? pass('both status codes are what an anonymous client gets') : fail(expected, wrong.join('; '));
}

/** What a hash that is not the pin most likely is: the whole certificate hashed instead of its key. */
function wholeCertificateHashes(pem: string): string[] {
  const der = new X509Certificate(pem).raw;
  return [createHash('sha256').update(der).digest('hex'), createHash('sha256').update(pem).digest('hex')];
}

async function checkCaHash(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.discovery);
  const expected = 'sha256:<hex> of the cluster CA’s public key';
  if (!data) return fail(expected, noAnswers(ANSWERS.discovery));
  const ca = await clusterInfoCa(ctx);
  const answered = data['ca-cert-hash']?.trim().toLowerCase() ?? '';
  if (answered === caCertHash(ca)) return pass(`ca-cert-hash ${answered}`);
  if (!answered) return fail(expected, 'no key "ca-cert-hash"');
  if (!answered.startsWith('sha256:')) return fail(expected, `ca-cert-hash ${answered}: kubeadm writes the hash as sha256:<hex>`);
  if (wholeCertificateHashes(ca).includes(answered.slice('sha256:'.length)))
    return fail(expected, 'the hash of the whole certificate: a join pins only its public key (the DER SubjectPublicKeyInfo)');
  return fail(expected, `ca-cert-hash ${answered}, which is not the hash of the CA in kube-public/cluster-info`);
}

export const clusterInfo: Exercise = {
  id: 'cluster-info',
  title: 'Read cluster-info anonymously and compute the CA hash',
  task: `Without credentials (curl -k, no token, no certificate) GET kube-public/configmaps/cluster-info and kube-system/configmaps/kubeadm-config from the API server. Record the two HTTP status codes under "cluster-info-status" and "kubeadm-config-status", and the CA hash a join needs (sha256:<hex>), computed with openssl, under "ca-cert-hash", in ConfigMap ${ANSWERS.discovery} (namespace kubelab).`,
  checks: [
    {
      id: 'anonymous-access',
      title: 'The recorded status codes are what an anonymous request gets',
      points: 2,
      hint: 'curl -sk -o /dev/null -w "%{http_code}\\n" "$SERVER/api/v1/namespaces/<namespace>/configmaps/<name>", with SERVER from kubectl config view --minify',
      run: checkAnonymous,
    },
    {
      id: 'ca-cert-hash',
      title: 'ca-cert-hash is the SHA-256 of the cluster CA’s public key',
      points: 2,
      hint: 'take the CA out of cluster-info (certificate-authority-data, base64), then openssl x509 -pubkey, openssl pkey -pubin -outform der, sha256sum',
      run: checkCaHash,
    },
  ],
  solution: () => [
    `${SERVER} &&
curl -sk "$SERVER/api/v1/namespaces/kube-public/configmaps/cluster-info"`,
    `${SERVER} &&
PUBLIC=$(curl -sk -o /dev/null -w '%{http_code}' "$SERVER/api/v1/namespaces/kube-public/configmaps/cluster-info") &&
PRIVATE=$(curl -sk -o /dev/null -w '%{http_code}' "$SERVER/api/v1/namespaces/kube-system/configmaps/kubeadm-config") &&
HASH=${CA_HASH} &&
echo "cluster-info $PUBLIC, kubeadm-config $PRIVATE, $HASH" &&
${recordCommand(ANSWERS.discovery, '--from-literal=cluster-info-status="$PUBLIC" --from-literal=kubeadm-config-status="$PRIVATE" --from-literal=ca-cert-hash="$HASH"')}`,
  ],
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.discovery),
};
