// Exercise: generate a PKI with kubeadm init phase certs for the notes' kub1, with a load
// balancer's names added, and find out how many CAs kubeadm makes. The checks read the PEM the
// learner recorded, so a config file or flags both pass; the cluster's own PKI does not.
import { X509Certificate } from 'node:crypto';
import { fail, nthAddress, pass, versions, wordsOf, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, noAnswers, recordCommand } from './answers.ts';
import { CA_COMMON_NAMES, namedCas } from './ca-names.ts';
import { clusterInfoCa } from './cluster.ts';
import { notesConfigFile } from './config-file.ts';
import { ANSWERS, EXTRA_SANS, NOTES } from './constants.ts';
import { allSans, nameLine, subjectField } from './x509.ts';

interface RecordedPki {
  cert: X509Certificate;
  ca: X509Certificate;
}

async function recordedPki(ctx: CheckContext): Promise<RecordedPki | Observation> {
  const expected = 'your apiserver.crt and ca.crt, recorded as PEM';
  const data = await answers(ctx, ANSWERS.certificates);
  if (!data) return fail(expected, noAnswers(ANSWERS.certificates));
  for (const key of ['apiserver.crt', 'ca.crt'])
    if (!data[key]) return fail(expected, `no key "${key}" in ConfigMap ${ANSWERS.certificates}`);
  try {
    return { cert: new X509Certificate(data['apiserver.crt']!), ca: new X509Certificate(data['ca.crt']!) };
  } catch (error) {
    return fail(expected, `a recorded PEM does not parse: ${(error as Error).message}`);
  }
}

async function checkOwnPki(ctx: CheckContext): Promise<Observation> {
  const pki = await recordedPki(ctx);
  if ('pass' in pki) return pki;
  const { cert, ca } = pki;
  if (subjectField(cert, 'CN')[0] !== 'kube-apiserver')
    return fail('an API server certificate (CN kube-apiserver) under apiserver.crt', `subject ${nameLine(cert, 'subject')}`);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey))
    return fail(
      'apiserver.crt signed by the recorded ca.crt',
      `apiserver.crt was issued by ${nameLine(cert, 'issuer')}, and ca.crt’s key did not sign it`,
    );
  const clusterCa = new X509Certificate(await clusterInfoCa(ctx));
  if (ca.fingerprint256 === clusterCa.fingerprint256) return fail('a PKI you generated', 'ca.crt is the running cluster’s own CA');
  return pass('apiserver.crt (CN kube-apiserver) is signed by a CA you generated');
}

/** Why kubeadm puts each of the notes' names into the certificate. */
const NOTES_SANS: [string, string][] = [
  [`DNS:${NOTES.nodeName}`, 'the node’s name'],
  [`IP:${nthAddress(NOTES.serviceSubnet, 1)}`, `the first address of the service range ${NOTES.serviceSubnet}`],
  [`IP:${NOTES.advertiseAddress}`, 'the advertise address'],
];

const LOAD_BALANCER_SANS: [string, string][] = [
  [`DNS:${EXTRA_SANS.dns}`, 'the load balancer’s name'],
  [`IP:${EXTRA_SANS.ip}`, 'the load balancer’s address'],
];

async function checkSans(ctx: CheckContext, wanted: [string, string][], what: string): Promise<Observation> {
  const pki = await recordedPki(ctx);
  if ('pass' in pki) return pki;
  const sans = allSans(pki.cert);
  const missing = wanted.filter(([san]) => !sans.includes(san));
  if (missing.length === 0) return pass(`its SANs include ${wanted.map(([san]) => san).join(', ')}`);
  return fail(what, `no ${missing.map(([san, why]) => `${san} (${why})`).join(', ')} among ${sans.join(', ') || 'no SANs'}`, [{ sans }]);
}

async function checkCas(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.certificates);
  const expected = 'under "cas", every certificate authority kubeadm generated';
  if (!data) return fail(expected, noAnswers(ANSWERS.certificates));
  const { cas, unknown } = namedCas(wordsOf(data.cas));
  if (unknown.length > 0) return fail(expected, `${unknown.join(', ')} names no CA that kubeadm init phase certs writes`);
  if (cas.length < CA_COMMON_NAMES.length) return fail(expected, `${cas.length} of them (${cas.join(', ') || 'none'}): kubeadm made more`);
  return pass(`three CAs: ${cas.join(', ')}`);
}

// certificatesDir: the unquoted here-document puts the solution's working directory in.
const configFile = notesConfigFile(versions.kubernetes, { certificatesDir: '$PWD/pki', certSANs: [EXTRA_SANS.dns, EXTRA_SANS.ip] });

export const certificates: Exercise = {
  id: 'certificates',
  title: 'Generate a PKI with kubeadm init phase certs',
  task: `Generate the certificates kubeadm init would make on the notes' kub1 (advertise address ${NOTES.advertiseAddress}, service range ${NOTES.serviceSubnet}), whose API server certificate also covers a load balancer at ${EXTRA_SANS.dns} and ${EXTRA_SANS.ip}. Record apiserver.crt and ca.crt in ConfigMap ${ANSWERS.certificates} (namespace kubelab), and under "cas" every certificate authority kubeadm generated.`,
  checks: [
    {
      id: 'own-pki',
      title: 'apiserver.crt is a kube-apiserver certificate signed by a CA you generated',
      points: 2,
      hint: `kubeadm init phase certs all, into an empty directory; record with ${recordCommand(ANSWERS.certificates, '--from-file=pki/apiserver.crt --from-file=pki/ca.crt --from-literal=cas="…"')}`,
      run: checkOwnPki,
    },
    {
      id: 'notes-sans',
      title: 'Its SANs hold what kubeadm derives from the notes’ kub1',
      points: 2,
      hint: 'kubeadm prints the names it signs the certificate for; they come from the node name, the service range and the advertise address you give it',
      run: (ctx) => checkSans(ctx, NOTES_SANS, 'the names kubeadm derives from the notes’ flags and the node name kub1'),
    },
    {
      id: 'load-balancer-sans',
      title: 'Its SANs also cover the load balancer',
      points: 2,
      hint: 'kubeadm init phase certs apiserver --help: an option adds names to the serving certificate (in a config file: apiServer.certSANs)',
      run: (ctx) => checkSans(ctx, LOAD_BALANCER_SANS, `${EXTRA_SANS.dns} and ${EXTRA_SANS.ip} in the certificate`),
    },
    {
      id: 'cas',
      title: '"cas" names every CA kubeadm generated',
      points: 1,
      hint: 'a CA is a certificate whose subject and issuer are the same: look at every *.crt under pki/, subdirectories included (openssl x509 -noout -subject -issuer -in …)',
      run: checkCas,
    },
  ],
  solution: () => [
    `cd "$(mktemp -d)" &&
cat > kubeadm.yaml <<EOF &&
${configFile}
EOF
kubeadm init phase certs all --config kubeadm.yaml &&
for crt in $(find pki -name '*.crt'); do echo "$crt: $(openssl x509 -in "$crt" -noout -subject -issuer | tr '\\n' ' ')"; done &&
${recordCommand(ANSWERS.certificates, `--from-file=pki/apiserver.crt --from-file=pki/ca.crt --from-literal=cas="${CA_COMMON_NAMES.join(' ')}"`)}`,
  ],
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.certificates),
};
