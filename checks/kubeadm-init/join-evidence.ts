// How kub4 got its credentials: the CertificateSigningRequest it filed with a bootstrap token
// just before its Node registered, approved and issued by the cluster CA. The join exercise
// judges it, and the token exercise reads which token it was once that token is deleted.
import { X509Certificate } from 'node:crypto';
import { CertificatesV1Api, type V1CertificateSigningRequest, type V1Node } from '@kubernetes/client-node';
import { KUBELET_CLIENT_SIGNER, readObject, requestCommonName, type CheckContext } from '../../src/engine/sdk.ts';
import { clusterInfoCa } from './cluster.ts';
import { JOIN_NODE } from './constants.ts';
import { nameLine, subjectField } from './x509.ts';

export const NODE_USER = `system:node:${JOIN_NODE}`;

/** How long before its Node registration a joining node's CSR may have been made. */
const CSR_WINDOW_MS = 5 * 60_000;

const BOOTSTRAP_USER = /^system:bootstrap:([a-z0-9]{6})$/;

export const requestedFor = (csr: V1CertificateSigningRequest) =>
  requestCommonName(Buffer.from(csr.spec.request, 'base64').toString('utf8'));

/** Why a CSR for the node did not give it its credentials, or undefined when it did. */
function csrProblem(csr: V1CertificateSigningRequest, ca: X509Certificate): string | undefined {
  const name = csr.metadata?.name;
  const approved = csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True');
  if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER) return `${name}: signer ${csr.spec.signerName}`;
  if (!BOOTSTRAP_USER.test(csr.spec.username ?? '')) return `${name}: requested by ${csr.spec.username}, not by a bootstrap token`;
  if (!approved) return `${name}: not approved`;
  if (!csr.status?.certificate) return `${name}: approved but no certificate issued`;
  const cert = new X509Certificate(Buffer.from(csr.status.certificate, 'base64').toString('utf8'));
  if (subjectField(cert, 'CN')[0] !== NODE_USER || subjectField(cert, 'O').join() !== 'system:nodes')
    return `${name}: certificate for ${nameLine(cert, 'subject')}`;
  if (!cert.verify(ca.publicKey)) return `${name}: certificate not signed by the cluster CA`;
  return undefined;
}

export interface JoinEvidence {
  node?: V1Node;
  /** The CSRs for the node made shortly before it registered. */
  candidates: V1CertificateSigningRequest[];
  /** The one that gave it its credentials, and the id of the token it was made with. */
  csr?: V1CertificateSigningRequest;
  tokenId?: string;
  /** Why each candidate did not, when none did. */
  problems: string[];
  /** How many CSRs the cluster holds at all. */
  total: number;
}

export async function joinEvidence(ctx: CheckContext): Promise<JoinEvidence> {
  const node = await readObject<V1Node>(ctx, 'v1', 'Node', JOIN_NODE);
  if (!node) return { candidates: [], problems: [], total: 0 };
  const registered = new Date(node.metadata?.creationTimestamp ?? 0).getTime();
  const all = (await ctx.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
  // Only a request made shortly before this Node registered can be where its credentials came from.
  const candidates = all
    .filter((csr) => requestedFor(csr) === NODE_USER)
    .filter((csr) => {
      const created = new Date(csr.metadata?.creationTimestamp ?? 0).getTime();
      return created <= registered && registered - created <= CSR_WINDOW_MS;
    });
  const ca = new X509Certificate(await clusterInfoCa(ctx));
  const problems = candidates.map((csr) => csrProblem(csr, ca));
  const csr = candidates.find((_, i) => problems[i] === undefined);
  const tokenId = csr ? BOOTSTRAP_USER.exec(csr.spec.username ?? '')?.[1] : undefined;
  return { node, candidates, csr, tokenId, problems: problems.filter((p) => p !== undefined), total: all.length };
}
