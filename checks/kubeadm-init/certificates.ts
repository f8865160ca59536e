// Exercise: generate a PKI with kubeadm init phase certs all, and read the IP SANs of its
// apiserver.crt against those of the certificate the running API server serves.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  $,
  defaultShape,
  ensureBinaries,
  fail,
  nthAddress,
  pass,
  versions,
  type CheckContext,
  type Exercise,
  type LabContext,
  type Observation,
} from '../../src/engine/sdk.ts';
import { answeredIps, answers, deleteAnswers, putAnswers, recordHint, sameList } from './answers.ts';
import { advertisedAddresses, clusterConfiguration, clusterInfoCa, servingCertificate } from './cluster.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';
import { canonicalIp, ipSans, nameLine, subjectField } from './x509.ts';

/** The notes' --apiserver-advertise-address, which the local provider keeps. */
const NOTES_ADVERTISE_ADDRESS = defaultShape().advertiseAddress;

interface RecordedPki {
  cert: X509Certificate;
  ca: X509Certificate;
}

function recordedPki(data: Record<string, string> | undefined): RecordedPki | string {
  if (!data) return `no ConfigMap ${NAMESPACE}/${ANSWERS.certificates}`;
  for (const key of ['apiserver.crt', 'ca.crt']) if (!data[key]) return `no key "${key}" in ConfigMap ${ANSWERS.certificates}`;
  try {
    return { cert: new X509Certificate(data['apiserver.crt']!), ca: new X509Certificate(data['ca.crt']!) };
  } catch (error) {
    return `a recorded PEM does not parse: ${(error as Error).message}`;
  }
}

async function checkOwnPki(ctx: CheckContext): Promise<Observation> {
  const pki = recordedPki(await answers(ctx, ANSWERS.certificates));
  if (typeof pki === 'string') return fail('your apiserver.crt and ca.crt, recorded as PEM', pki);
  const { cert, ca } = pki;
  if (subjectField(cert, 'CN')[0] !== 'kube-apiserver')
    return fail('an API server certificate (CN kube-apiserver)', `subject ${nameLine(cert, 'subject')}`);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
    return fail(
      'apiserver.crt signed by the recorded ca.crt',
      `apiserver.crt was issued by ${nameLine(cert, 'issuer')}, and ca.crt's key did not sign it`,
    );
  const clusterCa = new X509Certificate(await clusterInfoCa(ctx));
  if (ca.fingerprint256 === clusterCa.fingerprint256)
    return fail('a PKI you generated with kubeadm init phase certs all', 'ca.crt is the running cluster’s own CA');
  return pass('apiserver.crt (CN kube-apiserver) is signed by your own ca.crt, not the cluster’s');
}

async function checkRequiredSans(ctx: CheckContext): Promise<Observation> {
  const pki = recordedPki(await answers(ctx, ANSWERS.certificates));
  if (typeof pki === 'string') return fail('your apiserver.crt', pki);
  const serviceSubnet = (await clusterConfiguration(ctx)).networking?.serviceSubnet ?? '';
  const expected = [nthAddress(serviceSubnet, 1), ...(await advertisedAddresses(ctx))].map((ip) => canonicalIp(ip) ?? ip);
  const sans = ipSans(pki.cert);
  const missing = expected.filter((ip) => !sans.includes(ip));
  return missing.length === 0
    ? pass(`IP SANs include ${expected.join(' and ')} (first IP of ${serviceSubnet}, advertise address)`)
    : fail(`IP SANs including ${expected.join(' and ')}`, `IP SANs ${sans.join(' ') || 'none'}: ${missing.join(', ')} missing`, [{ sans }]);
}

/** Your recorded certificates and the addresses you listed under `key`, or what is missing. */
async function recordedSans(
  ctx: CheckContext,
  key: string,
  expected: string,
): Promise<{ pki: RecordedPki; answered: string[] } | Observation> {
  const data = await answers(ctx, ANSWERS.certificates);
  const pki = recordedPki(data);
  if (typeof pki === 'string') return fail(expected, pki);
  if (data?.[key] === undefined) return fail(`key "${key}"`, `no key "${key}"`);
  return { pki, answered: answeredIps(data[key]) };
}

async function checkRecordedSans(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedSans(ctx, 'ip-sans', 'your apiserver.crt and the IP SANs you read from it');
  if ('pass' in recorded) return recorded;
  const actual = ipSans(recorded.pki.cert);
  const { answered } = recorded;
  return sameList(answered, actual)
    ? pass(`ip-sans lists exactly ${actual.join(' ')}`)
    : fail(`ip-sans: ${actual.join(' ')}`, `ip-sans: ${answered.join(' ') || '(empty)'}`);
}

/** The IP SANs of the running API server's certificate, and those of them yours lacks. */
async function clusterOnlySans(ctx: CheckContext, mine: string[]): Promise<{ serving: string[]; extra: string[] }> {
  const serving = ipSans(await servingCertificate(ctx.kc));
  return { serving, extra: serving.filter((ip) => !mine.includes(ip)) };
}

async function checkClusterOnlySans(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedSans(ctx, 'cluster-only-ip-sans', 'your apiserver.crt, to compare with the cluster’s');
  if ('pass' in recorded) return recorded;
  const mine = ipSans(recorded.pki.cert);
  const { serving, extra: expected } = await clusterOnlySans(ctx, mine);
  const { answered } = recorded;
  return sameList(answered, expected)
    ? pass(`the serving certificate adds ${expected.join(' ') || 'nothing'} to yours`)
    : fail(`cluster-only-ip-sans: ${expected.join(' ') || '(empty)'}`, `cluster-only-ip-sans: ${answered.join(' ') || '(empty)'}`, [
        { serving, yours: mine },
      ]);
}

async function solveCertificates(ctx: LabContext): Promise<void> {
  const kubeadm = (await ensureBinaries()).path('kubeadm');
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  try {
    const serviceCidr = (await clusterConfiguration(ctx)).networking?.serviceSubnet ?? '10.10.0.0/16';
    const advertised = (await advertisedAddresses(ctx))[0] ?? NOTES_ADVERTISE_ADDRESS;
    await $`${kubeadm} init phase certs all --cert-dir ${dir} --apiserver-advertise-address ${advertised} --service-cidr ${serviceCidr} --kubernetes-version ${versions.kubernetes}`;
    const certPem = await readFile(join(dir, 'apiserver.crt'), 'utf8');
    const mine = ipSans(new X509Certificate(certPem));
    await putAnswers(ctx, ANSWERS.certificates, {
      'apiserver.crt': certPem,
      'ca.crt': await readFile(join(dir, 'ca.crt'), 'utf8'),
      'ip-sans': mine.join(' '),
      'cluster-only-ip-sans': (await clusterOnlySans(ctx, mine)).extra.join(' '),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const certificates: Exercise = {
  id: 'certificates',
  title: 'Generate a PKI and read the API server certificate’s SANs',
  task: `Run kubeadm init phase certs all --cert-dir "$PWD/pki" --apiserver-advertise-address <address> --service-cidr 10.10.0.0/16 --kubernetes-version ${versions.kubernetes}, with the address your API server advertises (kubectl get endpointslices -l kubernetes.io/service-name=kubernetes: ${NOTES_ADVERTISE_ADDRESS} on the local provider, the control-plane container's address on kind). Record in ConfigMap ${ANSWERS.certificates} (namespace ${NAMESPACE}) the files apiserver.crt and ca.crt, under "ip-sans" the IP SANs of your apiserver.crt, and under "cluster-only-ip-sans" the IP SANs the cluster’s own serving certificate has that yours lacks.`,
  checks: [
    {
      id: 'own-pki',
      title: 'apiserver.crt is a kube-apiserver certificate signed by a CA you generated',
      points: 2,
      hint: recordHint(
        ANSWERS.certificates,
        '--from-file=pki/apiserver.crt --from-file=pki/ca.crt --from-literal=ip-sans="…" --from-literal=cluster-only-ip-sans="…"',
      ),
      run: checkOwnPki,
    },
    {
      id: 'required-sans',
      title: 'Its IP SANs hold the first service IP and the advertise address',
      points: 2,
      hint: 'pass --service-cidr 10.10.0.0/16 and the address in kubectl get endpointslices -l kubernetes.io/service-name=kubernetes as --apiserver-advertise-address; kubeadm adds the first address of the service range',
      run: checkRequiredSans,
    },
    {
      id: 'ip-sans-recorded',
      title: 'ip-sans lists the certificate’s IP SANs',
      points: 1,
      hint: 'openssl x509 -in pki/apiserver.crt -noout -ext subjectAltName',
      run: checkRecordedSans,
    },
    {
      id: 'cluster-only-ip-sans',
      title: 'cluster-only-ip-sans names what the running API server’s certificate adds',
      points: 1,
      hint: 'openssl x509 -in "$(dirname "$KUBECONFIG")/pki/apiserver.crt" -noout -ext subjectAltName, or openssl s_client -connect 127.0.0.1:<port> </dev/null | openssl x509 -noout -ext subjectAltName',
      run: checkClusterOnlySans,
    },
  ],
  solve: solveCertificates,
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.certificates),
};
