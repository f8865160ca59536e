// How the rebuilt node got its credentials. A node that joins as kubeadm join does authenticates
// with a bootstrap token and files a CertificateSigningRequest for system:node:<name>, which the
// controller manager approves and signs; only then does it register. A Node registered any other
// way (kubelab node rebuild on the local provider, a Node created by hand) has no such request.
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { KUBELET_CLIENT_SIGNER, requestCommonName } from '../../src/engine/sdk.ts';

/** Creation timestamps have whole seconds; the watcher's clock has milliseconds. */
const SLACK_MS = 2_000;
/** How long before its Node registered a joining node's request may have been made. */
const JOIN_WINDOW_MS = 5 * 60_000;

const BOOTSTRAP_USER = /^system:bootstrap:([a-z0-9]{6})$/;

const createdAt = (csr: V1CertificateSigningRequest) => new Date(csr.metadata?.creationTimestamp ?? 0).getTime();

export const requestedFor = (csr: V1CertificateSigningRequest) =>
  requestCommonName(Buffer.from(csr.spec.request, 'base64').toString('utf8'));

/** The requests for the node's identity made between its deletion and its registration. */
export function requestsForJoin(
  csrs: V1CertificateSigningRequest[],
  node: string,
  window: { deletedAt: number | undefined; registeredAt: number },
): V1CertificateSigningRequest[] {
  return csrs.filter((csr) => {
    const t = createdAt(csr);
    return (
      requestedFor(csr) === `system:node:${node}` &&
      t <= window.registeredAt + SLACK_MS &&
      window.registeredAt - t <= JOIN_WINDOW_MS &&
      (window.deletedAt === undefined || t >= window.deletedAt - SLACK_MS)
    );
  });
}

/** The bootstrap token id a request was made with, or undefined when another identity made it. */
export const bootstrapTokenId = (csr: V1CertificateSigningRequest) => BOOTSTRAP_USER.exec(csr.spec.username ?? '')?.[1];

/** Why a request did not give the node its client certificate through TLS bootstrap, or undefined when it did. */
export function bootstrapProblem(csr: V1CertificateSigningRequest): string | undefined {
  const name = csr.metadata?.name;
  if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER) return `${name}: signer ${csr.spec.signerName}`;
  if (!bootstrapTokenId(csr)) return `${name}: requested by ${csr.spec.username}, not with a bootstrap token`;
  if (!csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True')) return `${name}: not approved`;
  if (!csr.status?.certificate) return `${name}: approved, but no certificate issued yet`;
  return undefined;
}

/** Tokens kubelab makes for its own joins say so in their description (kind's node rebuild). */
export const madeByKubelab = (description: string | undefined) => (description ?? '').startsWith('kubelab:');
