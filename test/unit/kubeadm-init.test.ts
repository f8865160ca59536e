// The kubeadm-init lab reads certificates from their ASN.1 structure and compares addresses in
// one canonical form, so what a learner copies from openssl matches what the certificate holds.
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { SubjectAlternativeNameExtension, X509CertificateGenerator } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { answeredIps } from '../../checks/kubeadm-init/answers.ts';
import { canonicalIp, ipSans, nameLine, subjectField } from '../../checks/kubeadm-init/x509.ts';

async function certificate(name: string, ips: string[]): Promise<NodeCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const cert = await X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 3_600_000),
    extensions: [
      new SubjectAlternativeNameExtension([{ type: 'dns', value: 'kubernetes' }, ...ips.map((value) => ({ type: 'ip' as const, value }))]),
    ],
  });
  return new NodeCertificate(cert.toString('pem'));
}

describe('certificate fields', () => {
  it('reads IP SANs by type, keeps an IPv4-mapped IPv6 SAN apart from its IPv4 address, and ignores DNS names', async () => {
    // 16 bytes 0…0:ffff:0a0a:0a65 is ::ffff:10.10.10.101, not 10.10.10.101.
    const cert = await certificate('CN=kube-apiserver', ['10.10.10.101', '::ffff:a0a:a65', 'fd00:0:0:0:0:0:0:1', '10.96.0.1']);
    expect(ipSans(cert)).toEqual(['10.10.10.101', '10.96.0.1', '::ffff:10.10.10.101', 'fd00::1']);
    expect(ipSans(await certificate('CN=kube-apiserver', []))).toEqual([]);
  });

  it('reads every value of a subject attribute, commas and all', async () => {
    const cert = await certificate('CN=system:node:kub4, O=system:nodes, O=a\\, b', []);
    expect(subjectField(cert, 'CN')).toEqual(['system:node:kub4']);
    expect(subjectField(cert, 'O')).toEqual(['system:nodes', 'a, b']);
    expect(nameLine(cert, 'subject')).toContain('CN=system:node:kub4');
  });
});

describe('addresses in answers', () => {
  it('writes addresses as the API server does, whatever form they were copied in', () => {
    expect(canonicalIp('FD00:0:0:0:0:0:0:1')).toBe('fd00::1');
    expect(canonicalIp('0:0:0:0:0:FFFF:A0A:A65')).toBe('::ffff:10.10.10.101');
    expect(canonicalIp('::ffff:10.10.10.101')).toBe('::ffff:10.10.10.101');
    expect(canonicalIp('10.10.10.101')).toBe('10.10.10.101');
  });

  it('takes nothing for an address that is not one', () => {
    expect(canonicalIp('kub4')).toBeUndefined();
    expect(canonicalIp('010.10.10.101')).toBeUndefined();
    expect(canonicalIp('10.10.101')).toBeUndefined();
  });

  it('splits an answer at spaces and commas, as openssl prints the list', () => {
    expect(answeredIps('10.96.0.1, FD00:0:0:0:0:0:0:1 10.96.0.1')).toEqual(['10.96.0.1', 'fd00::1']);
    expect(answeredIps(undefined)).toEqual([]);
  });
});
