// The key and PKCS#10 request a kubelet makes for its client certificate: an ECDSA P-256 key
// (the kubelet's default) and the subject the csrapproving controller accepts for nodes.
import { createHash, createPrivateKey } from 'node:crypto';
import { Pkcs10CertificateRequest, Pkcs10CertificateRequestGenerator } from '@peculiar/x509';

/** The usages kube-apiserver-client-kubelet requests for a non-RSA key. */
export const NODE_CLIENT_USAGES = ['digital signature', 'client auth'] as const;

export interface NodeCsr {
  /** PEM "CERTIFICATE REQUEST". */
  csrPem: string;
  /** PEM "EC PRIVATE KEY", which stays with the node. */
  keyPem: string;
  /** The CSR object name the kubelet would use: node-csr-<digest of key, subject and usages>. */
  name: string;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export function nodeSubject(nodeName: string): { commonName: string; organization: string } {
  return { commonName: `system:node:${nodeName}`, organization: 'system:nodes' };
}

/**
 * The kubelet's digestedName: one name per key, subject and usages, so that a retried
 * request finds its earlier CSR instead of piling up new ones.
 */
export function digestedName(spkiDer: Buffer, commonName: string, organization: string, usages: readonly string[]): string {
  const hash = createHash('sha512-256');
  for (const part of [spkiDer, Buffer.from(commonName), Buffer.from(organization), ...usages.map((u) => Buffer.from(u))]) {
    hash.update(part.toString('base64url'));
    hash.update('|');
  }
  return `node-csr-${hash.digest('base64url')}`;
}

export async function nodeCsr(nodeName: string): Promise<NodeCsr> {
  const keys = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const { commonName, organization } = nodeSubject(nodeName);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: [{ O: [organization] }, { CN: [commonName] }], keys, signingAlgorithm: ECDSA },
    crypto,
  );
  const spki = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey));
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    csrPem: csr.toString('pem'),
    keyPem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'sec1', format: 'pem' }).toString(),
    name: digestedName(spki, commonName, organization, NODE_CLIENT_USAGES),
  };
}

/** The subject common name a PEM certificate request asks for, or undefined when it does not parse. */
export function requestCommonName(csrPem: string): string | undefined {
  try {
    return new Pkcs10CertificateRequest(csrPem).subjectName.getField('CN')[0];
  } catch {
    return undefined;
  }
}
