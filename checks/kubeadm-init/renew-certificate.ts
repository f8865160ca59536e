// Exercise: see when the cluster's certificates expire (kubeadm certs check-expiration) and
// renew the API server's. The checks read the certificate the API server serves over TLS, so
// kubeadm certs renew and a regeneration with kubeadm init phase certs both pass, while
// renewing another certificate, or a new one that drops a name clients use, does not.
import { X509Certificate } from 'node:crypto';
import { fail, pass, servingCertificate, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { baselineOrFix, rebaseCertificate, type Baseline } from './baseline.ts';
import { clusterInfoCa } from './cluster.ts';
import { onControlPlane, SERVER } from './commands.ts';
import { allSans, nameLine, subjectField } from './x509.ts';

/** kube-apiserver watches its certificate file and picks a new one up within seconds. */
const RELOAD_MS = 15_000;

async function served(ctx: CheckContext): Promise<{ cert: X509Certificate; baseline: Baseline } | Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail('the certificate the API server served when the lab started', baseline);
  return { cert: await servingCertificate(ctx.kc), baseline };
}

async function checkRenewed(ctx: CheckContext): Promise<Observation> {
  const seen = await served(ctx);
  if ('pass' in seen) return seen;
  const { cert, baseline } = seen;
  const summary = `serial ${cert.serialNumber}, valid until ${cert.validTo}`;
  if (cert.serialNumber === baseline.apiserverSerial)
    return fail('a newer certificate than the one served when the exercise began', `the API server still serves ${summary}`);
  if (subjectField(cert, 'CN')[0] !== 'kube-apiserver')
    return fail('a kube-apiserver certificate', `it serves ${nameLine(cert, 'subject')}`);
  if (!cert.verify(new X509Certificate(await clusterInfoCa(ctx)).publicKey))
    return fail(
      'a certificate signed by the cluster CA',
      `it serves one issued by ${nameLine(cert, 'issuer')}, which clients do not trust`,
    );
  return pass(`the API server serves a renewed certificate: ${summary}`);
}

async function checkNamesKept(ctx: CheckContext): Promise<Observation> {
  const seen = await served(ctx);
  if ('pass' in seen) return seen;
  const { cert, baseline } = seen;
  if (cert.serialNumber === baseline.apiserverSerial)
    return fail('a renewed certificate with the names of the old one', 'nothing renewed yet');
  const sans = allSans(cert);
  const lost = baseline.apiserverSans.filter((san) => !sans.includes(san));
  return lost.length === 0
    ? pass(`it keeps every name of the old one (${baseline.apiserverSans.length} SANs)`)
    : fail(
        'every name the old certificate had',
        `the new one lacks ${lost.join(', ')}: clients that use them no longer trust the API server`,
        [{ sans }],
      );
}

export const renewCertificate: Exercise = {
  id: 'renew-certificate',
  title: 'Check certificate expiry and renew the API server’s certificate',
  task: 'On the control-plane machine, list when the cluster’s certificates expire with kubeadm certs check-expiration, then renew the certificate the API server serves, so that the API server presents a new one.',
  checks: [
    {
      id: 'renewed',
      title: 'The API server serves a new certificate, signed by the cluster CA',
      points: 3,
      hint: 'kubeadm certs check-expiration names each certificate; kubeadm certs renew takes one of those names. Which one does the API server present to its clients? (It loads a renewed file by itself, within a minute at most.)',
      timeoutMs: RELOAD_MS,
      run: checkRenewed,
    },
    {
      id: 'names-kept',
      title: 'The new certificate keeps every name of the old one',
      points: 2,
      hint: 'compare the SANs served before and after (openssl s_client … | openssl x509 -noout -ext subjectAltName); kubeadm certs renew keeps them, a certificate generated with other flags may not',
      run: checkNamesKept,
    },
  ],
  solution: (ctx) => [
    onControlPlane(ctx, 'certs check-expiration'),
    onControlPlane(ctx, 'certs renew apiserver'),
    `${SERVER} && openssl s_client -connect "\${SERVER#https://}" </dev/null 2>/dev/null | openssl x509 -noout -serial -enddate`,
  ],
  reset: rebaseCertificate,
};
