// The kubelet's TLS bootstrap: with only its bootstrap token, a node asks the cluster for a
// client certificate. kube-controller-manager's csrapproving controller approves the request
// (kubeadm's RBAC allows it for the token's group) and its csrsigning controller issues it.
import { CertificatesV1Api, type V1CertificateSigningRequest } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import { messageOf, statusOf } from '../kube/client.ts';
import { kubeConfigFor } from './clients.ts';
import { NODE_CLIENT_USAGES, nodeCsr } from './csr.ts';
import { bootstrapUser, type BootstrapToken } from './token.ts';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';

export interface NodeCredentials {
  csrName: string;
  certPem: string;
  keyPem: string;
}

export interface BootstrapOptions {
  timeoutMs?: number;
  onStep?: (message: string) => void;
}

function condition(csr: V1CertificateSigningRequest, type: string) {
  return csr.status?.conditions?.find((c) => c.type === type && c.status !== 'False');
}

async function waitForCertificate(api: CertificatesV1Api, name: string, timeoutMs: number): Promise<V1CertificateSigningRequest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const csr = await api.readCertificateSigningRequest({ name });
    const refused = condition(csr, 'Denied') ?? condition(csr, 'Failed');
    if (refused)
      throw new UserError(
        `certificate signing request ${name} was ${refused.type.toLowerCase()}: ${refused.message ?? refused.reason ?? 'no reason given'}`,
      );
    if (condition(csr, 'Approved') && csr.status?.certificate) return csr;
    if (Date.now() >= deadline) {
      const state = condition(csr, 'Approved') ? 'approved but no certificate was issued' : 'not approved';
      throw new UserError(`certificate signing request ${name} was ${state} within ${timeoutMs / 1000} s`, {
        fix: 'kube-controller-manager’s csrapproving and csrsigning controllers do this; kubelab status shows whether it runs',
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Creates the node's CSR as system:bootstrap:<token id> and waits for the issued certificate. */
export async function requestNodeCertificate(
  server: string,
  caPem: string,
  token: BootstrapToken,
  nodeName: string,
  options: BootstrapOptions = {},
): Promise<NodeCredentials> {
  const api = kubeConfigFor(server, caPem, { token: `${token.id}.${token.secret}` }).makeApiClient(CertificatesV1Api);
  const request = await nodeCsr(nodeName);
  try {
    await api.createCertificateSigningRequest({
      body: {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name: request.name },
        spec: {
          request: Buffer.from(request.csrPem).toString('base64'),
          signerName: KUBELET_CLIENT_SIGNER,
          usages: [...NODE_CLIENT_USAGES],
        },
      },
    });
  } catch (error) {
    throw new UserError(`the bootstrap token may not create a certificate signing request: ${messageOf(error)}`, {
      fix:
        statusOf(error) === 403
          ? 'kubeadm init phase bootstrap-token creates the RBAC that allows it (ClusterRoleBinding kubeadm:kubelet-bootstrap)'
          : undefined,
    });
  }
  options.onStep?.(`[kubelet-start] certificate signing request ${request.name} created as ${bootstrapUser(token)}`);
  const csr = await waitForCertificate(api, request.name, options.timeoutMs ?? 60_000);
  options.onStep?.(
    `[kubelet-start] ${request.name} approved (${condition(csr, 'Approved')?.reason ?? 'Approved'}) and its certificate issued`,
  );
  return { csrName: request.name, certPem: Buffer.from(csr.status!.certificate!, 'base64').toString('utf8'), keyPem: request.keyPem };
}
