// The pure parts of kubelab node join, against values recorded from a real cluster:
// the bootstrapsigner's JWS over cluster-info and the CA hash kubeadm printed for it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { caCertHash, checkPinned, parsePins } from '../../src/join/ca-pin.ts';
import { digestedName, nodeCsr } from '../../src/join/csr.ts';
import { isLoopback, loopbackServer } from '../../src/join/endpoint.ts';
import { detachedSignature, verifyDetachedSignature } from '../../src/join/jws.ts';
import { parseToken } from '../../src/join/token.ts';
import { UserError } from '../../src/errors.ts';
import { Pkcs10CertificateRequest } from '@peculiar/x509';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/cluster-info.json', import.meta.url), 'utf8')) as {
  token: string;
  kubeconfig: string;
  jws: string;
  kubeadmPrintedHash: string;
};
const token = parseToken(recorded.token);
const caPem = Buffer.from(
  (parse(recorded.kubeconfig) as { clusters: { cluster: Record<string, string> }[] }).clusters[0]!.cluster['certificate-authority-data']!,
  'base64',
).toString('utf8');

describe('detached JWS of cluster-info', () => {
  it('verifies the signature the bootstrapsigner wrote', () => {
    expect(verifyDetachedSignature(recorded.jws, recorded.kubeconfig, token.id, token.secret)).toBe(true);
  });

  it('computes the very same string the controller computed', () => {
    expect(detachedSignature(recorded.kubeconfig, token.id, token.secret)).toBe(recorded.jws);
  });

  it('detects a tampered kubeconfig', () => {
    const tampered = recorded.kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1');
    expect(tampered).not.toBe(recorded.kubeconfig);
    expect(verifyDetachedSignature(recorded.jws, tampered, token.id, token.secret)).toBe(false);
    expect(verifyDetachedSignature(recorded.jws, `${recorded.kubeconfig} `, token.id, token.secret)).toBe(false);
  });

  it('rejects a wrong secret, a wrong token id and a tampered signature', () => {
    expect(verifyDetachedSignature(recorded.jws, recorded.kubeconfig, token.id, 'aaaaaaaaaaaaaaaa')).toBe(false);
    expect(verifyDetachedSignature(recorded.jws, recorded.kubeconfig, 'zzzzzz', token.secret)).toBe(false);
    const [header, , signature] = recorded.jws.split('.');
    const flipped = Buffer.from(signature!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(verifyDetachedSignature(`${header}..${flipped.toString('base64url')}`, recorded.kubeconfig, token.id, token.secret)).toBe(false);
  });

  it('rejects other algorithms and non-detached forms', () => {
    const [, , signature] = recorded.jws.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: token.id })).toString('base64url');
    expect(verifyDetachedSignature(`${none}..${signature}`, recorded.kubeconfig, token.id, token.secret)).toBe(false);
    const attached = recorded.jws.replace('..', `.${Buffer.from(recorded.kubeconfig).toString('base64url')}.`);
    expect(verifyDetachedSignature(attached, recorded.kubeconfig, token.id, token.secret)).toBe(false);
    expect(verifyDetachedSignature('', recorded.kubeconfig, token.id, token.secret)).toBe(false);
  });

  it('signs and verifies with a freshly made token', () => {
    const fresh = parseToken('abcdef.0123456789abcdef');
    const jws = detachedSignature('some: kubeconfig\n', fresh.id, fresh.secret);
    expect(jws).toMatch(/^eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9\.\.[A-Za-z0-9_-]{43}$/);
    expect(verifyDetachedSignature(jws, 'some: kubeconfig\n', fresh.id, fresh.secret)).toBe(true);
    expect(verifyDetachedSignature(jws, 'some: kubeconfig\n', token.id, token.secret)).toBe(false);
  });
});

describe('CA public-key pinning', () => {
  it('hashes the CA the way kubeadm printed it in its join command', () => {
    expect(caCertHash(caPem)).toBe(recorded.kubeadmPrintedHash);
  });

  it('accepts the recorded pin, in any case, and refuses another', () => {
    expect(() => checkPinned(caPem, parsePins([recorded.kubeadmPrintedHash.toUpperCase().replace('SHA256', 'sha256')]))).not.toThrow();
    const other = `sha256:${'0'.repeat(64)}`;
    expect(() => checkPinned(caPem, parsePins([other]))).toThrow(/none of the public keys "sha256:[0-9a-f]{64}" are pinned/);
    expect(() => checkPinned(caPem, parsePins([other, recorded.kubeadmPrintedHash]))).not.toThrow();
  });

  it('refuses malformed pins as kubeadm does', () => {
    expect(() => parsePins(['ed19a52b'])).toThrow(UserError);
    expect(() => parsePins(['md5:ed19a52b'])).toThrow(/unknown hash format "md5"/);
    expect(() => parsePins(['sha256:abc'])).toThrow(/expected a 32 byte SHA-256 hash/);
    expect(() => parsePins([`sha256:${'g'.repeat(64)}`])).toThrow(/expected a 32 byte SHA-256 hash/);
  });
});

describe('bootstrap tokens and endpoints', () => {
  it('parses <id>.<secret> and refuses other forms', () => {
    expect(parseToken('08yaru.bz3gcu0emv9r9csk')).toEqual({ id: '08yaru', secret: 'bz3gcu0emv9r9csk' });
    for (const bad of ['08yaru', '08YARU.bz3gcu0emv9r9csk', '08yaru.bz3gcu0emv9r9cs', '08yaru:bz3gcu0emv9r9csk']) {
      expect(() => parseToken(bad)).toThrow(/was not of the form/);
    }
  });

  it('dials only loopback', () => {
    expect(loopbackServer('127.0.0.1:6443')).toBe('https://127.0.0.1:6443');
    expect(loopbackServer('https://localhost:6443')).toBe('https://localhost:6443');
    expect(loopbackServer('[::1]:6443')).toBe('https://[::1]:6443');
    expect(() => loopbackServer('10.10.10.101:6443')).toThrow(/refusing to dial 10.10.10.101:6443/);
    expect(() => loopbackServer('example.com:6443')).toThrow(/refusing to dial/);
    expect(() => loopbackServer('127.0.0.1')).toThrow(/invalid API server endpoint/);
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('128.0.0.1')).toBe(false);
  });
});

describe('the node CSR', () => {
  it('asks for CN system:node:<name>, O system:nodes, with a self-signature that verifies', async () => {
    const request = await nodeCsr('kub4');
    const csr = new Pkcs10CertificateRequest(request.csrPem);
    expect(csr.subjectName.getField('CN')).toEqual(['system:node:kub4']);
    expect(csr.subjectName.getField('O')).toEqual(['system:nodes']);
    expect(await csr.verify()).toBe(true);
    expect(csr.extensions).toEqual([]);
    expect(request.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(request.name).toMatch(/^node-csr-[A-Za-z0-9_-]{43}$/);
  });

  it('names the CSR as the kubelet does: a digest that changes with key, subject and usages', () => {
    const key = Buffer.from('key');
    const name = digestedName(key, 'system:node:kub4', 'system:nodes', ['digital signature', 'client auth']);
    expect(digestedName(key, 'system:node:kub4', 'system:nodes', ['digital signature', 'client auth'])).toBe(name);
    expect(digestedName(Buffer.from('other'), 'system:node:kub4', 'system:nodes', ['digital signature', 'client auth'])).not.toBe(name);
    expect(digestedName(key, 'system:node:kub5', 'system:nodes', ['digital signature', 'client auth'])).not.toBe(name);
    // The delimiter keeps "CN:foob,O:ar" apart from "CN:foo,O:bar".
    expect(digestedName(key, 'foob', 'ar', [])).not.toBe(digestedName(key, 'foo', 'bar', []));
  });
});
