// Exercise: a fourth node joins with the learner's bootstrap token and the CA hash, as kubeadm
// join does, and the token is deleted afterwards. The checks judge the result (a Ready worker),
// how it got its credentials (an approved CSR made with a token the cluster did not start
// with) and that this token is gone, whichever way the learner joined and deleted it.
import { CertificatesV1Api, type V1Secret } from '@kubernetes/client-node';
import {
  fail,
  isReady,
  KUBELET_CLIENT_SIGNER,
  pass,
  readObject,
  type CheckContext,
  type Exercise,
  type LabContext,
  type Observation,
} from '../../src/engine/sdk.ts';
import { baselineOrFix } from './baseline.ts';
import { CA_HASH } from './commands.ts';
import { JOIN_NODE, JOIN_TOKEN } from './constants.ts';
import { joinEvidence, NODE_USER, requestedFor } from './join-evidence.ts';

async function checkNodeReady(ctx: CheckContext): Promise<Observation> {
  const { node } = await joinEvidence(ctx);
  if (!node) return fail(`Node ${JOIN_NODE}`, `no Node ${JOIN_NODE}`);
  if (node.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)
    return fail(`${JOIN_NODE} as a worker`, `${JOIN_NODE} is a control-plane node`);
  return isReady(node)
    ? pass(`Node ${JOIN_NODE} is Ready`)
    : fail(`Node ${JOIN_NODE} Ready`, `Node ${JOIN_NODE} is not Ready`, [node.status?.conditions]);
}

async function checkCsr(ctx: CheckContext): Promise<Observation> {
  const evidence = await joinEvidence(ctx);
  const expected = `an approved ${KUBELET_CLIENT_SIGNER} CSR for ${NODE_USER}, made with your bootstrap token just before the Node registered`;
  if (!evidence.node) return fail(expected, `no Node ${JOIN_NODE}`);
  if (!evidence.csr) {
    const found = evidence.candidates.length ? evidence.problems.join('; ') : `none of the ${evidence.total} CSRs in the cluster is one`;
    return fail(expected, found, evidence.candidates);
  }
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail(expected, baseline);
  if (baseline.tokens.includes(evidence.tokenId!))
    return fail(expected, `${JOIN_NODE} joined with token ${evidence.tokenId}, which the cluster started with, not with one you made`, [
      evidence.csr,
    ]);
  return pass(
    `${evidence.csr.metadata?.name} by ${evidence.csr.spec.username}: approved, certificate issued for ${NODE_USER} by the cluster CA`,
    [evidence.csr],
  );
}

async function checkTokenDeleted(ctx: CheckContext): Promise<Observation> {
  const { csr, tokenId } = await joinEvidence(ctx);
  const expected = `the token ${JOIN_NODE} joined with, deleted`;
  if (!csr || !tokenId) return fail(expected, `no certificate request says which token ${JOIN_NODE} joined with`);
  const secret = await readObject<V1Secret>(ctx, 'v1', 'Secret', `bootstrap-token-${tokenId}`, 'kube-system');
  return secret
    ? fail(expected, `token ${tokenId} still exists: whoever holds it can still join a node`)
    : pass(`token ${tokenId} is gone, and ${JOIN_NODE} keeps its own certificate`);
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
  title: `Join ${JOIN_NODE} with your token, then delete the token`,
  task: `Join a fourth node named ${JOIN_NODE} with the token you created and the CA hash: npx kubelab node join --token <token> --discovery-token-ca-cert-hash sha256:<hash> --node-name ${JOIN_NODE}. Once it is Ready, delete the token: ${JOIN_NODE} must stay Ready.`,
  checks: [
    {
      id: 'node-ready',
      title: `Node ${JOIN_NODE} exists and is Ready`,
      points: 2,
      hint: `kubeadm token list shows your token; the hash is the one you computed for cluster-info; then npx kubelab node join … --node-name ${JOIN_NODE}`,
      timeoutMs: 5_000,
      run: checkNodeReady,
    },
    {
      id: 'csr-approved',
      title: 'Its client certificate came from an approved CSR made with a token you created',
      points: 3,
      hint: `kubectl get csr: the REQUESTOR must be system:bootstrap:<your token id> and the CONDITION Approved,Issued (kube-controller-manager deletes issued CSRs after an hour: if yours is gone, kubectl delete node ${JOIN_NODE} and join it again)`,
      timeoutMs: 5_000,
      run: checkCsr,
    },
    {
      id: 'token-deleted',
      title: `The token ${JOIN_NODE} joined with no longer exists`,
      points: 2,
      hint: `kubectl get csr names the token in its REQUESTOR; kubeadm token delete --help`,
      run: checkTokenDeleted,
    },
  ],
  solution: () => [
    `TOKEN=$(kubeadm token create --ttl ${JOIN_TOKEN.ttlHours}h --description "${JOIN_TOKEN.description}" --kubeconfig "$KUBECONFIG") &&
HASH=${CA_HASH} &&
kubelab node join --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --node-name ${JOIN_NODE} &&
kubectl get csr &&
kubeadm token delete "\${TOKEN%%.*}" --kubeconfig "$KUBECONFIG" &&
kubectl get node ${JOIN_NODE}`,
  ],
  reset: resetJoin,
};
