// Lab: kubeadm init, phase by phase, with the notes' flags (--pod-network-cidr=10.244.0.0/16
// --service-cidr=10.10.0.0/16 --apiserver-advertise-address=10.10.10.101), and a real
// kubeadm-style join of a fourth node: token discovery, CA pinning and TLS bootstrap.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { CertificatesV1Api, CoreV1Api, DiscoveryV1Api, type KubeConfig, type V1ConfigMap, type V1Node, type V1Secret } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { ensureBinaries, versions } from '../src/binaries/index.ts';
import { isReady } from '../src/cluster/nodes.ts';
import { defaultShape, nthAddress } from '../src/cluster/shape.ts';
import { readObject } from '../src/engine/helpers.ts';
import { defineLab, fail, pass, type CheckContext, type LabContext, type NodeOperations, type Observation } from '../src/engine/model.ts';
import { UserError } from '../src/errors.ts';
import { statusOf } from '../src/kube/client.ts';
import { $ } from '../src/shell.ts';
import { KUBELET_CLIENT_SIGNER } from '../src/join/bootstrap.ts';
import { caCertHash } from '../src/join/ca-pin.ts';
import { kubeConfigFor } from '../src/join/clients.ts';
import { requestCommonName } from '../src/join/csr.ts';

export const NAMESPACE = 'kubelab';
export const ANSWERS = {
  certificates: 'kubeadm-init-certs',
  networking: 'kubeadm-init-networking',
  token: 'kubeadm-init-token',
  discovery: 'kubeadm-init-discovery',
};
export const JOIN_NODE = 'kub4';
/** The notes' --apiserver-advertise-address, which a kubelab cluster keeps as a label. */
export const ADVERTISE_ADDRESS = defaultShape().advertiseAddress;

// ---- reading the cluster --------------------------------------------------------------

const parseList = (text: string | undefined) => [...new Set((text ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))].sort();
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function answers(ctx: CheckContext, name: string): Promise<Record<string, string> | undefined> {
  return (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', name, NAMESPACE))?.data ?? undefined;
}

async function putAnswers(ctx: LabContext, name: string, data: Record<string, string>): Promise<void> {
  await ctx.apply(stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data }));
}

async function deleteAnswers(ctx: LabContext, name: string): Promise<void> {
  await ctx.kubectl(['delete', 'configmap', name, '-n', NAMESPACE, '--ignore-not-found']);
}

/** The CA the kubeconfig in hand trusts for its API server. */
async function trustedCa(kc: KubeConfig): Promise<string | undefined> {
  const cluster = kc.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  return cluster?.caFile ? readFile(cluster.caFile, 'utf8') : undefined;
}

interface ClusterConfiguration {
  networking?: { podSubnet?: string; serviceSubnet?: string };
}

async function clusterConfiguration(ctx: CheckContext): Promise<ClusterConfiguration> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'kubeadm-config', 'kube-system');
  if (!cm?.data?.ClusterConfiguration) throw new UserError('kube-system/kubeadm-config has no ClusterConfiguration: was kubeadm init phase upload-config run?');
  return parse(cm.data.ClusterConfiguration) as ClusterConfiguration;
}

/** The CA that cluster-info publishes, which joining nodes pin. */
async function clusterInfoCa(ctx: CheckContext): Promise<string> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  const config = parse(cm?.data?.kubeconfig ?? '') as { clusters?: { cluster?: Record<string, string> }[] } | null;
  const data = config?.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!data) throw new UserError('kube-public/cluster-info has no CA: was kubeadm init phase bootstrap-token run?');
  return Buffer.from(data, 'base64').toString('utf8');
}

/** The address kube-apiserver advertises: it publishes it as the endpoint of Service default/kubernetes. */
async function advertisedAddresses(ctx: CheckContext): Promise<string[]> {
  const slices = await ctx.kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' });
  return [...new Set(slices.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)))];
}

function ipSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('IP Address:'))
    .map((entry) => entry.slice('IP Address:'.length))
    .sort();
}

function subjectField(cert: X509Certificate, field: string): string[] {
  return cert.subject
    .split('\n')
    .filter((line) => line.startsWith(`${field}=`))
    .map((line) => line.slice(field.length + 1));
}

/** The certificate the API server presents right now, read off a TLS handshake. */
async function servingCertificate(kc: KubeConfig): Promise<X509Certificate> {
  const url = new URL(kc.getCurrentCluster()!.server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const ca = await trustedCa(kc);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(url.port || 443), ca, servername: isIP(host) ? undefined : host }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error('the API server presented no certificate'));
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

/** The HTTP status an unauthenticated GET of a ConfigMap gets: no token, no client certificate. */
export async function anonymousStatus(kc: KubeConfig, namespace: string, name: string): Promise<number> {
  const core = kubeConfigFor(kc.getCurrentCluster()!.server, await trustedCa(kc)).makeApiClient(CoreV1Api);
  try {
    await core.readNamespacedConfigMap({ name, namespace });
    return 200;
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined) throw error;
    return status;
  }
}

const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

/** Why a bootstrap token Secret cannot be used to join, or undefined when it can. */
function tokenProblem(secret: V1Secret): string | undefined {
  if (secret.type !== 'bootstrap.kubernetes.io/token') return `Secret ${secret.metadata?.name} has type ${secret.type}, not bootstrap.kubernetes.io/token`;
  if (decode(secret, 'usage-bootstrap-authentication') !== 'true') return 'the token may not be used for authentication';
  if (decode(secret, 'usage-bootstrap-signing') !== 'true') return 'the token may not sign cluster-info';
  const expiration = decode(secret, 'expiration');
  if (expiration && new Date(expiration).getTime() <= Date.now()) return `the token expired at ${expiration}`;
  return undefined;
}

async function usableTokenSecret(ctx: CheckContext): Promise<V1Secret> {
  const secrets = await ctx.core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: 'type=bootstrap.kubernetes.io/token' });
  const usable = secrets.items.find((s) => tokenProblem(s) === undefined);
  if (!usable) throw new UserError('the cluster has no usable bootstrap token', { fix: 'kubeadm token create --kubeconfig "$KUBECONFIG"' });
  return usable;
}

// ---- exercise: certificates ------------------------------------------------------------

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
  if (subjectField(cert, 'CN')[0] !== 'kube-apiserver') return fail('an API server certificate (CN kube-apiserver)', `subject ${cert.subject.replace(/\n/g, ', ')}`);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return fail('apiserver.crt signed by the recorded ca.crt', `apiserver.crt was issued by ${cert.issuer.replace(/\n/g, ', ')}, and ca.crt's key did not sign it`);
  const clusterCa = new X509Certificate(await clusterInfoCa(ctx));
  if (ca.fingerprint256 === clusterCa.fingerprint256) return fail('a PKI you generated with kubeadm init phase certs all', 'ca.crt is the running cluster’s own CA');
  return pass('apiserver.crt (CN kube-apiserver) is signed by your own ca.crt, not the cluster’s');
}

async function checkRequiredSans(ctx: CheckContext): Promise<Observation> {
  const pki = recordedPki(await answers(ctx, ANSWERS.certificates));
  if (typeof pki === 'string') return fail('your apiserver.crt', pki);
  const serviceSubnet = (await clusterConfiguration(ctx)).networking?.serviceSubnet ?? '';
  const expected = [nthAddress(serviceSubnet, 1), ...(await advertisedAddresses(ctx))];
  const sans = ipSans(pki.cert);
  const missing = expected.filter((ip) => !sans.includes(ip));
  return missing.length === 0
    ? pass(`IP SANs include ${expected.join(' and ')} (first IP of ${serviceSubnet}, advertise address)`)
    : fail(`IP SANs including ${expected.join(' and ')}`, `IP SANs ${sans.join(' ') || 'none'}: ${missing.join(', ')} missing`, [{ sans }]);
}

async function checkRecordedSans(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.certificates);
  const pki = recordedPki(data);
  if (typeof pki === 'string') return fail('your apiserver.crt and the IP SANs you read from it', pki);
  if (data?.['ip-sans'] === undefined) return fail('key "ip-sans"', 'no key "ip-sans"');
  const actual = ipSans(pki.cert);
  const answered = parseList(data['ip-sans']);
  return sameSet(answered, actual) ? pass(`ip-sans lists exactly ${actual.join(' ')}`) : fail(`ip-sans: ${actual.join(' ')}`, `ip-sans: ${answered.join(' ') || '(empty)'}`);
}

async function checkClusterOnlySans(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.certificates);
  const pki = recordedPki(data);
  if (typeof pki === 'string') return fail('your apiserver.crt, to compare with the cluster’s', pki);
  if (data?.['cluster-only-ip-sans'] === undefined) return fail('key "cluster-only-ip-sans"', 'no key "cluster-only-ip-sans"');
  const mine = ipSans(pki.cert);
  const serving = ipSans(await servingCertificate(ctx.kc));
  const expected = serving.filter((ip) => !mine.includes(ip));
  const answered = parseList(data['cluster-only-ip-sans']);
  return sameSet(answered, expected)
    ? pass(`the serving certificate adds ${expected.join(' ') || 'nothing'} to yours`)
    : fail(`cluster-only-ip-sans: ${expected.join(' ') || '(empty)'}`, `cluster-only-ip-sans: ${answered.join(' ') || '(empty)'}`, [{ serving, yours: mine }]);
}

async function solveCertificates(ctx: LabContext): Promise<void> {
  const kubeadm = (await ensureBinaries()).path('kubeadm');
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  try {
    const serviceCidr = (await clusterConfiguration(ctx)).networking?.serviceSubnet ?? '10.10.0.0/16';
    const advertised = (await advertisedAddresses(ctx))[0] ?? ADVERTISE_ADDRESS;
    await $`${kubeadm} init phase certs all --cert-dir ${dir} --apiserver-advertise-address ${advertised} --service-cidr ${serviceCidr} --kubernetes-version ${versions.kubernetes}`;
    const certPem = await readFile(join(dir, 'apiserver.crt'), 'utf8');
    const mine = ipSans(new X509Certificate(certPem));
    const serving = ipSans(await servingCertificate(ctx.kc));
    await putAnswers(ctx, ANSWERS.certificates, {
      'apiserver.crt': certPem,
      'ca.crt': await readFile(join(dir, 'ca.crt'), 'utf8'),
      'ip-sans': mine.join(' '),
      'cluster-only-ip-sans': serving.filter((ip) => !mine.includes(ip)).join(' '),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- exercise: networking --------------------------------------------------------------

async function checkSubnets(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.networking);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.networking}`, 'no such ConfigMap');
  const { podSubnet, serviceSubnet } = (await clusterConfiguration(ctx)).networking ?? {};
  const found = `pod-subnet ${data['pod-subnet'] ?? '(missing)'}, service-subnet ${data['service-subnet'] ?? '(missing)'}`;
  return data['pod-subnet']?.trim() === podSubnet && data['service-subnet']?.trim() === serviceSubnet
    ? pass(`pod-subnet ${podSubnet}, service-subnet ${serviceSubnet}, as kubeadm-config says`)
    : fail('the podSubnet and serviceSubnet of kube-system/kubeadm-config', found);
}

async function checkServiceIp(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.networking);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.networking}`, 'no such ConfigMap');
  const service = await ctx.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  const ip = service.spec?.clusterIP;
  return data['kubernetes-service-ip']?.trim() === ip
    ? pass(`kubernetes-service-ip ${ip}`)
    : fail(`kubernetes-service-ip: the cluster IP of Service default/kubernetes`, `kubernetes-service-ip: ${data['kubernetes-service-ip'] ?? '(missing)'}`);
}

async function solveNetworking(ctx: LabContext): Promise<void> {
  const { podSubnet = '', serviceSubnet = '' } = (await clusterConfiguration(ctx)).networking ?? {};
  const service = await ctx.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  await putAnswers(ctx, ANSWERS.networking, { 'pod-subnet': podSubnet, 'service-subnet': serviceSubnet, 'kubernetes-service-ip': service.spec?.clusterIP ?? '' });
}

// ---- exercise: bootstrap token ---------------------------------------------------------

async function recordedTokenSecret(ctx: CheckContext): Promise<{ secret: V1Secret; id: string } | Observation> {
  const data = await answers(ctx, ANSWERS.token);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.token}`, 'no such ConfigMap');
  const id = data['token-id']?.trim() ?? '';
  if (id.includes('.')) return fail('only the token id (the six characters before the dot)', 'the whole token, secret included: a token secret is a credential, keep it out of ConfigMaps');
  if (!/^[a-z0-9]{6}$/.test(id)) return fail('token-id: six lower-case letters or digits', `token-id: ${id || '(missing)'}`);
  const secret = await readObject<V1Secret>(ctx, 'v1', 'Secret', `bootstrap-token-${id}`, 'kube-system');
  if (!secret) return fail(`Secret kube-system/bootstrap-token-${id}`, `no bootstrap token with id ${id}`);
  return { secret, id };
}

async function checkTokenId(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedTokenSecret(ctx);
  if ('pass' in recorded) return recorded;
  const problem = tokenProblem(recorded.secret);
  if (problem) return fail('a bootstrap token that can authenticate and sign', problem);
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  if (!cm?.data?.[`jws-kubeconfig-${recorded.id}`]) return fail(`cluster-info signed for token ${recorded.id}`, `no jws-kubeconfig-${recorded.id} in kube-public/cluster-info yet`);
  return pass(`token ${recorded.id} exists, can authenticate, and has signed cluster-info`);
}

async function checkTokenGroups(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedTokenSecret(ctx);
  if ('pass' in recorded) return recorded;
  const data = (await answers(ctx, ANSWERS.token)) ?? {};
  const expected = parseList(decode(recorded.secret, 'auth-extra-groups'));
  const answered = parseList(data.groups);
  return sameSet(answered, expected) ? pass(`groups ${expected.join(' ')}`) : fail(`groups: ${expected.join(' ')}`, `groups: ${answered.join(' ') || '(missing)'}`);
}

async function solveToken(ctx: LabContext): Promise<void> {
  const secret = await usableTokenSecret(ctx);
  await putAnswers(ctx, ANSWERS.token, { 'token-id': decode(secret, 'token-id'), groups: decode(secret, 'auth-extra-groups') });
}

// ---- exercise: cluster-info ------------------------------------------------------------

async function checkAnonymous(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.discovery);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.discovery}`, 'no such ConfigMap');
  const live = {
    'cluster-info-status': String(await anonymousStatus(ctx.kc, 'kube-public', 'cluster-info')),
    'kubeadm-config-status': String(await anonymousStatus(ctx.kc, 'kube-system', 'kubeadm-config')),
  };
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
  if (answered && !answered.startsWith('sha256:')) return fail('sha256:<64 hex digits>', `ca-cert-hash ${answered} (prefix it with sha256:)`);
  return fail('the SHA-256 of the cluster CA’s public key (SPKI, DER)', `ca-cert-hash ${answered || '(missing)'}`);
}

async function solveDiscovery(ctx: LabContext): Promise<void> {
  await putAnswers(ctx, ANSWERS.discovery, {
    'cluster-info-status': String(await anonymousStatus(ctx.kc, 'kube-public', 'cluster-info')),
    'kubeadm-config-status': String(await anonymousStatus(ctx.kc, 'kube-system', 'kubeadm-config')),
    'ca-cert-hash': caCertHash(await clusterInfoCa(ctx)),
  });
}

// ---- exercise: join a worker -----------------------------------------------------------

async function checkNodeReady(ctx: CheckContext): Promise<Observation> {
  const node = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (!node) return fail(`Node ${JOIN_NODE}`, `no Node ${JOIN_NODE}`);
  if (node.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined) return fail(`${JOIN_NODE} as a worker`, `${JOIN_NODE} is a control-plane node`);
  return isReady(node) ? pass(`Node ${JOIN_NODE} is Ready`) : fail(`Node ${JOIN_NODE} Ready`, `Node ${JOIN_NODE} is not Ready`, [node.status?.conditions]);
}

/** How long before its Node registration a joining node's CSR may have been made. */
const CSR_WINDOW_MS = 5 * 60_000;

async function checkCsr(ctx: CheckContext): Promise<Observation> {
  const node = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (!node) return fail(`Node ${JOIN_NODE}, and the CSR it got its credentials from`, `no Node ${JOIN_NODE}`);
  const registered = new Date(node.metadata?.creationTimestamp ?? 0).getTime();
  const all = (await ctx.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
  const wanted = `system:node:${JOIN_NODE}`;
  // Only a request made shortly before this Node registered can be where its credentials came from.
  const mine = all
    .filter((csr) => requestCommonName(Buffer.from(csr.spec.request, 'base64').toString('utf8')) === wanted)
    .filter((csr) => {
      const created = new Date(csr.metadata?.creationTimestamp ?? 0).getTime();
      return created <= registered && registered - created <= CSR_WINDOW_MS;
    });
  if (mine.length === 0) return fail(`a CertificateSigningRequest for ${wanted}, made just before Node ${JOIN_NODE} registered`, `none of ${all.length} CSRs is one`);
  const ca = new X509Certificate(await clusterInfoCa(ctx));
  const problems: string[] = [];
  for (const csr of mine) {
    const name = csr.metadata?.name;
    const approved = csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True');
    if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER) problems.push(`${name}: signer ${csr.spec.signerName}`);
    else if (!/^system:bootstrap:[a-z0-9]{6}$/.test(csr.spec.username ?? '')) problems.push(`${name}: requested by ${csr.spec.username}, not by a bootstrap token`);
    else if (!approved) problems.push(`${name}: not approved`);
    else if (!csr.status?.certificate) problems.push(`${name}: approved but no certificate issued`);
    else {
      const cert = new X509Certificate(Buffer.from(csr.status.certificate, 'base64').toString('utf8'));
      if (subjectField(cert, 'CN')[0] !== wanted || subjectField(cert, 'O').join() !== 'system:nodes') problems.push(`${name}: certificate for ${cert.subject.replace(/\n/g, ', ')}`);
      else if (!cert.verify(ca.publicKey)) problems.push(`${name}: certificate not signed by the cluster CA`);
      else return pass(`${name} by ${csr.spec.username}: approved, certificate issued for ${wanted} (O system:nodes) by the cluster CA`, [csr]);
    }
  }
  return fail(`an approved ${KUBELET_CLIENT_SIGNER} CSR from system:bootstrap:<token id>, with its certificate issued`, problems.join('; '), mine);
}

async function solveJoin(ctx: LabContext): Promise<void> {
  const existing = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (existing && isReady(existing)) return;
  const secret = await usableTokenSecret(ctx);
  await requireNodes(ctx).join(JOIN_NODE, `${decode(secret, 'token-id')}.${decode(secret, 'token-secret')}`, [caCertHash(await clusterInfoCa(ctx))]);
}

/** Joining a node happens on a machine, so only the provider that runs the cluster's nodes can do it. */
function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes) throw new UserError('joining a node needs a cluster kubelab runs', { fix: 'kubelab start kubeadm-init (without --context)' });
  return ctx.nodes;
}

async function resetJoin(ctx: LabContext): Promise<void> {
  if (ctx.nodes) await ctx.nodes.remove(JOIN_NODE);
  else await ctx.kubectl(['delete', 'node', JOIN_NODE, '--ignore-not-found']);
  const certificates = ctx.kc.makeApiClient(CertificatesV1Api);
  for (const csr of (await certificates.listCertificateSigningRequest()).items) {
    if (requestCommonName(Buffer.from(csr.spec.request, 'base64').toString('utf8')) === `system:node:${JOIN_NODE}`) {
      await ctx.kubectl(['delete', 'csr', csr.metadata!.name!, '--ignore-not-found']);
    }
  }
}

// ---- the lab ---------------------------------------------------------------------------

const record = (name: string, pairs: string) => `kubectl create configmap ${name} -n ${NAMESPACE} ${pairs}`;

export default defineLab({
  id: 'kubeadm-init',
  title: 'kubeadm init, phase by phase, and joining a node',
  summary: 'The PKI, kubeadm-config, bootstrap tokens and cluster-info that kubeadm init leaves behind, and a real token-discovery join of kub4.',
  shape: {},
  async setup(ctx: LabContext) {
    await ctx.apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`);
  },
  exercises: [
    {
      id: 'certificates',
      title: 'Generate a PKI and read the API server certificate’s SANs',
      task: `Run kubeadm init phase certs all --cert-dir "$PWD/pki" --apiserver-advertise-address <address> --service-cidr 10.10.0.0/16 --kubernetes-version ${versions.kubernetes}, with the address your API server advertises (kubectl get endpointslices -l kubernetes.io/service-name=kubernetes: ${ADVERTISE_ADDRESS} on the local provider, the control-plane container's address on kind). Record in ConfigMap ${ANSWERS.certificates} (namespace ${NAMESPACE}) the files apiserver.crt and ca.crt, under "ip-sans" the IP SANs of your apiserver.crt, and under "cluster-only-ip-sans" the IP SANs the cluster’s own serving certificate has that yours lacks.`,
      checks: [
        {
          id: 'own-pki',
          title: 'apiserver.crt is a kube-apiserver certificate signed by a CA you generated',
          points: 2,
          hint: record(ANSWERS.certificates, '--from-file=pki/apiserver.crt --from-file=pki/ca.crt --from-literal=ip-sans="…" --from-literal=cluster-only-ip-sans="…"'),
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
    },
    {
      id: 'networking',
      title: 'Find the notes’ CIDRs in kubeadm-config',
      task: `Read the ClusterConfiguration that kubeadm init stored in ConfigMap kube-system/kubeadm-config. Record its podSubnet and serviceSubnet under "pod-subnet" and "service-subnet", and the cluster IP of Service default/kubernetes under "kubernetes-service-ip", in ConfigMap ${ANSWERS.networking} (namespace ${NAMESPACE}).`,
      checks: [
        {
          id: 'subnets',
          title: 'pod-subnet and service-subnet match kubeadm-config',
          points: 2,
          hint: 'kubectl -n kube-system get configmap kubeadm-config -o jsonpath=\'{.data.ClusterConfiguration}\'',
          run: checkSubnets,
        },
        {
          id: 'kubernetes-service-ip',
          title: 'kubernetes-service-ip is the cluster IP of Service default/kubernetes',
          points: 1,
          hint: 'kubectl get service kubernetes -o jsonpath=\'{.spec.clusterIP}\'',
          run: checkServiceIp,
        },
      ],
      solve: solveNetworking,
      reset: (ctx) => deleteAnswers(ctx, ANSWERS.networking),
    },
    {
      id: 'bootstrap-token',
      title: 'List the bootstrap token',
      task: `Run kubeadm token list --kubeconfig "$KUBECONFIG". Record the token’s id (the six characters before the dot, never the secret) under "token-id" and its extra groups under "groups" in ConfigMap ${ANSWERS.token} (namespace ${NAMESPACE}).`,
      checks: [
        {
          id: 'token-id',
          title: 'token-id names a usable bootstrap token that has signed cluster-info',
          points: 2,
          hint: 'kubeadm token list --kubeconfig "$KUBECONFIG", or kubectl -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token',
          run: checkTokenId,
        },
        {
          id: 'token-groups',
          title: 'groups are the token’s extra groups',
          points: 1,
          hint: 'the EXTRA GROUPS column of kubeadm token list (auth-extra-groups in the Secret)',
          run: checkTokenGroups,
        },
      ],
      solve: solveToken,
      reset: (ctx) => deleteAnswers(ctx, ANSWERS.token),
    },
    {
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
    },
    {
      id: 'join-worker',
      title: `Join ${JOIN_NODE} with a token and the CA hash`,
      task: `Join a fourth node: npx kubelab node join --token <id>.<secret> --discovery-token-ca-cert-hash sha256:<hash> --node-name ${JOIN_NODE}. It performs kubeadm join’s discovery and TLS bootstrap; kwok then plays the node’s kubelet.`,
      checks: [
        {
          id: 'node-ready',
          title: `Node ${JOIN_NODE} exists and is Ready`,
          points: 2,
          hint: `kubeadm token create --print-join-command --kubeconfig "$KUBECONFIG" prints the token and hash; then npx kubelab node join … --node-name ${JOIN_NODE}`,
          timeoutMs: 5_000,
          run: checkNodeReady,
        },
        {
          id: 'csr-approved',
          title: `Its client certificate came from an approved CSR made with a bootstrap token`,
          points: 3,
          hint: 'kubectl get csr: the REQUESTOR must be system:bootstrap:<id> and the CONDITION Approved,Issued (kube-controller-manager deletes issued CSRs after an hour: if yours is gone, kubectl delete node kub4 and join it again)',
          timeoutMs: 5_000,
          run: checkCsr,
        },
      ],
      solve: solveJoin,
      reset: resetJoin,
    },
  ],
});
