// Exercise: a fourth node joins with a bootstrap token and the CA hash, as kubeadm join does.
// The checks judge the result (a Ready worker) and how it got its credentials (an approved CSR
// made with a bootstrap token), whichever way the learner joined it.
import { X509Certificate } from 'node:crypto';
import { CertificatesV1Api, type V1CertificateSigningRequest, type V1Node } from '@kubernetes/client-node';
import {
  caCertHash,
  fail,
  isReady,
  KUBELET_CLIENT_SIGNER,
  pass,
  readObject,
  requestCommonName,
  UserError,
  type CheckContext,
  type Exercise,
  type LabContext,
  type NodeOperations,
  type Observation,
} from '../../src/engine/sdk.ts';
import { clusterInfoCa } from './cluster.ts';
import { JOIN_NODE } from './constants.ts';
import { decode, usableTokenSecret } from './tokens.ts';
import { nameLine, subjectField } from './x509.ts';

const NODE_USER = `system:node:${JOIN_NODE}`;

/** How long before its Node registration a joining node's CSR may have been made. */
const CSR_WINDOW_MS = 5 * 60_000;

async function checkNodeReady(ctx: CheckContext): Promise<Observation> {
  const node = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (!node) return fail(`Node ${JOIN_NODE}`, `no Node ${JOIN_NODE}`);
  if (node.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)
    return fail(`${JOIN_NODE} as a worker`, `${JOIN_NODE} is a control-plane node`);
  return isReady(node)
    ? pass(`Node ${JOIN_NODE} is Ready`)
    : fail(`Node ${JOIN_NODE} Ready`, `Node ${JOIN_NODE} is not Ready`, [node.status?.conditions]);
}

const requestedFor = (csr: V1CertificateSigningRequest) => requestCommonName(Buffer.from(csr.spec.request, 'base64').toString('utf8'));

/** Why a CSR for the node did not give it its credentials, or undefined when it did. */
function csrProblem(csr: V1CertificateSigningRequest, ca: X509Certificate): string | undefined {
  const name = csr.metadata?.name;
  const approved = csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True');
  if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER) return `${name}: signer ${csr.spec.signerName}`;
  if (!/^system:bootstrap:[a-z0-9]{6}$/.test(csr.spec.username ?? ''))
    return `${name}: requested by ${csr.spec.username}, not by a bootstrap token`;
  if (!approved) return `${name}: not approved`;
  if (!csr.status?.certificate) return `${name}: approved but no certificate issued`;
  const cert = new X509Certificate(Buffer.from(csr.status.certificate, 'base64').toString('utf8'));
  if (subjectField(cert, 'CN')[0] !== NODE_USER || subjectField(cert, 'O').join() !== 'system:nodes')
    return `${name}: certificate for ${nameLine(cert, 'subject')}`;
  if (!cert.verify(ca.publicKey)) return `${name}: certificate not signed by the cluster CA`;
  return undefined;
}

async function checkCsr(ctx: CheckContext): Promise<Observation> {
  const node = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (!node) return fail(`Node ${JOIN_NODE}, and the CSR it got its credentials from`, `no Node ${JOIN_NODE}`);
  const registered = new Date(node.metadata?.creationTimestamp ?? 0).getTime();
  const all = (await ctx.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
  // Only a request made shortly before this Node registered can be where its credentials came from.
  const mine = all
    .filter((csr) => requestedFor(csr) === NODE_USER)
    .filter((csr) => {
      const created = new Date(csr.metadata?.creationTimestamp ?? 0).getTime();
      return created <= registered && registered - created <= CSR_WINDOW_MS;
    });
  if (mine.length === 0)
    return fail(
      `a CertificateSigningRequest for ${NODE_USER}, made just before Node ${JOIN_NODE} registered`,
      `none of ${all.length} CSRs is one`,
    );
  const ca = new X509Certificate(await clusterInfoCa(ctx));
  const problems = mine.map((csr) => csrProblem(csr, ca));
  const good = mine.find((_, i) => problems[i] === undefined);
  if (good)
    return pass(
      `${good.metadata?.name} by ${good.spec.username}: approved, certificate issued for ${NODE_USER} (O system:nodes) by the cluster CA`,
      [good],
    );
  return fail(
    `an approved ${KUBELET_CLIENT_SIGNER} CSR from system:bootstrap:<token id>, with its certificate issued`,
    problems.join('; '),
    mine,
  );
}

/** Joining a node happens on a machine, so only the provider that runs the cluster's nodes can do it. */
function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes)
    throw new UserError('joining a node needs a cluster kubelab runs', { fix: 'kubelab start kubeadm-init (without --context)' });
  return ctx.nodes;
}

async function solveJoin(ctx: LabContext): Promise<void> {
  const existing = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (existing && isReady(existing)) return;
  const secret = await usableTokenSecret(ctx);
  await requireNodes(ctx).join(JOIN_NODE, `${decode(secret, 'token-id')}.${decode(secret, 'token-secret')}`, [
    caCertHash(await clusterInfoCa(ctx)),
  ]);
}

async function resetJoin(ctx: LabContext): Promise<void> {
  if (ctx.nodes) await ctx.nodes.remove(JOIN_NODE);
  else await ctx.kubectl(['delete', 'node', JOIN_NODE, '--ignore-not-found']);
  const certificates = ctx.kc.makeApiClient(CertificatesV1Api);
  for (const csr of (await certificates.listCertificateSigningRequest()).items) {
    if (requestedFor(csr) === NODE_USER) await ctx.kubectl(['delete', 'csr', csr.metadata!.name!, '--ignore-not-found']);
  }
}

export const joinWorker: Exercise = {
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
};
