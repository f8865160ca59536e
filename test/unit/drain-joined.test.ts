// How the drain lab tells a node that joined through TLS bootstrap from one registered another way:
// the certificate request it made, when, as whom, and whether it was approved and signed.
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrapProblem, bootstrapTokenId, madeByKubelab, requestsForJoin } from '../../checks/drain/joined.ts';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
let kub2Request = '';
let kub3Request = '';

async function request(commonName: string): Promise<string> {
  const keys = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { name: [{ O: ['system:nodes'] }, { CN: [commonName] }], keys, signingAlgorithm: ECDSA },
    crypto,
  );
  return Buffer.from(csr.toString('pem')).toString('base64');
}

beforeAll(async () => {
  kub2Request = await request('system:node:kub2');
  kub3Request = await request('system:node:kub3');
});

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, seconds)).toISOString().replace('.000', '');
const csr = (
  name: string,
  created: number,
  fields: Partial<V1CertificateSigningRequest['spec']> = {},
  issued = true,
): V1CertificateSigningRequest => ({
  metadata: { name, creationTimestamp: at(created) as unknown as Date },
  spec: {
    request: kub2Request,
    signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
    username: 'system:bootstrap:abc123',
    usages: [],
    ...fields,
  },
  status: issued
    ? { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved', message: '' }], certificate: 'Y2VydA==' }
    : {},
});
const ms = (seconds: number) => Date.UTC(2026, 0, 1, 10, 0, seconds);

describe('a join through TLS bootstrap', () => {
  it('takes the requests for the node made between its deletion and its registration', () => {
    const before = csr('old', 5);
    const joined = csr('joined', 30);
    const other = csr('other', 30, { request: kub3Request });
    const after = csr('rotated', 50);
    const found = requestsForJoin([before, joined, other, after], 'kub2', { deletedAt: ms(20), registeredAt: ms(31) });
    expect(found.map((c) => c.metadata?.name)).toEqual(['joined']);
  });

  it('allows for creation timestamps in whole seconds', () => {
    // Deleted at 20.9 s, request stamped 20 s: the same second.
    expect(requestsForJoin([csr('same-second', 20)], 'kub2', { deletedAt: ms(20) + 900, registeredAt: ms(21) })).toHaveLength(1);
  });

  it('accepts an approved, issued request for the kubelet signer made with a bootstrap token', () => {
    expect(bootstrapProblem(csr('good', 1))).toBeUndefined();
    expect(bootstrapTokenId(csr('good', 1))).toBe('abc123');
  });

  it('says what is wrong with any other request', () => {
    expect(bootstrapProblem(csr('admin', 1, { username: 'kubernetes-admin' }))).toBe(
      'admin: requested by kubernetes-admin, not with a bootstrap token',
    );
    expect(bootstrapProblem(csr('signer', 1, { signerName: 'kubernetes.io/kube-apiserver-client' }))).toBe(
      'signer: signer kubernetes.io/kube-apiserver-client',
    );
    expect(bootstrapProblem(csr('pending', 1, {}, false))).toBe('pending: not approved');
  });

  it('knows the tokens kubelab makes for its own joins', () => {
    expect(madeByKubelab('kubelab: a node joining')).toBe(true);
    expect(madeByKubelab(undefined)).toBe(false);
    expect(madeByKubelab('')).toBe(false);
    expect(madeByKubelab('rebuild of kub2')).toBe(false);
  });
});
