// The kubeadm-init lab's pure logic: certificate fields read from their ASN.1 structure,
// addresses in one canonical form, the learner's kubeadm configuration file, the CA names an
// answer may use, and what makes a bootstrap token fit for kub4.
import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { SubjectAlternativeNameExtension, X509CertificateGenerator } from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { namedCas } from '../../checks/kubeadm-init/ca-names.ts';
import {
  CLUSTER_SETTINGS,
  kubeadmDocuments,
  NODE_SETTINGS,
  notesConfigFile,
  settingsProblem,
} from '../../checks/kubeadm-init/config-file.ts';
import { ttlProblem, usageProblem } from '../../checks/kubeadm-init/tokens.ts';
import { tokenFacts } from '../../src/engine/tokens.ts';
import { allSans, canonicalIp, ipSans, nameLine, subjectField } from '../../checks/kubeadm-init/x509.ts';

async function certificate(name: string, ips: string[], dns = ['kubernetes']): Promise<NodeCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const cert = await X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 3_600_000),
    extensions: [
      new SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
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

  it('lists every SAN as openssl names them, DNS names without case', async () => {
    const cert = await certificate('CN=kube-apiserver', ['10.10.0.1'], ['K8S-API.example.net', 'kub1']);
    expect(allSans(cert)).toEqual(['DNS:k8s-api.example.net', 'DNS:kub1', 'IP:10.10.0.1']);
  });

  it('reads every value of a subject attribute, commas and all', async () => {
    const cert = await certificate('CN=system:node:kub4, O=system:nodes, O=a\\, b', []);
    expect(subjectField(cert, 'CN')).toEqual(['system:node:kub4']);
    expect(subjectField(cert, 'O')).toEqual(['system:nodes', 'a, b']);
    expect(nameLine(cert, 'subject')).toContain('CN=system:node:kub4');
  });
});

describe('addresses', () => {
  it('writes addresses as the API server does, whatever form they were copied in', () => {
    expect(canonicalIp('FD00:0:0:0:0:0:0:1')).toBe('fd00::1');
    expect(canonicalIp('0:0:0:0:0:FFFF:A0A:A65')).toBe('::ffff:10.10.10.101');
    expect(canonicalIp('10.10.10.101')).toBe('10.10.10.101');
  });

  it('takes nothing for an address that is not one', () => {
    expect(canonicalIp('kub4')).toBeUndefined();
    expect(canonicalIp('010.10.10.101')).toBeUndefined();
    expect(canonicalIp('10.10.101')).toBeUndefined();
  });
});

const notesConfig = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.10.10.101
nodeRegistration:
  name: kub1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.10.0.0/16
`;

function docs(text: string) {
  const found = kubeadmDocuments(text);
  if (typeof found === 'string') throw new Error(found);
  return found;
}

describe('the kubeadm configuration file', () => {
  it('accepts the notes’ flags as fields, in either document order', () => {
    expect(settingsProblem(docs(notesConfig), CLUSTER_SETTINGS)).toBeUndefined();
    expect(settingsProblem(docs(notesConfig), NODE_SETTINGS)).toBeUndefined();
    const [init, cluster] = notesConfig.split('---\n');
    expect(settingsProblem(docs(`${cluster}---\n${init}`), NODE_SETTINGS)).toBeUndefined();
  });

  it('finds no InitConfiguration in a copy of kube-system/kubeadm-config', () => {
    const copied = notesConfig.split('---\n')[1]!;
    expect(settingsProblem(docs(copied), CLUSTER_SETTINGS)).toBeUndefined();
    expect(settingsProblem(docs(copied), NODE_SETTINGS)).toBe('no InitConfiguration document');
  });

  it('names the field that still holds init-defaults’ placeholder, not the value it should hold', () => {
    const problem = settingsProblem(docs(notesConfig.replace('10.10.10.101', '1.2.3.4')), NODE_SETTINGS);
    expect(problem).toContain('localAPIEndpoint.advertiseAddress is "1.2.3.4"');
    expect(problem).not.toContain('10.10.10.101');
  });

  it('says when a field is missing', () => {
    expect(settingsProblem(docs(notesConfig.replace('  podSubnet: 10.244.0.0/16\n', '')), CLUSTER_SETTINGS)).toContain(
      'podSubnet is not set',
    );
  });

  it('is what the reference solutions write: the notes’ settings, and for the PKI its directory and SANs', () => {
    const plain = docs(notesConfigFile('v1.36.3'));
    expect(settingsProblem(plain, CLUSTER_SETTINGS)).toBeUndefined();
    expect(settingsProblem(plain, NODE_SETTINGS)).toBeUndefined();
    expect(plain.get('ClusterConfiguration')).toMatchObject({ kubernetesVersion: 'v1.36.3' });
    expect(plain.get('ClusterConfiguration')).not.toHaveProperty('apiServer');
    const pki = docs(notesConfigFile('v1.36.3', { certificatesDir: '/tmp/pki', certSANs: ['k8s-api.example.net', '10.10.10.100'] }));
    expect(settingsProblem(pki, CLUSTER_SETTINGS)).toBeUndefined();
    expect(pki.get('ClusterConfiguration')).toMatchObject({
      certificatesDir: '/tmp/pki',
      apiServer: { certSANs: ['k8s-api.example.net', '10.10.10.100'] },
    });
  });

  it('refuses YAML that does not parse, and YAML that holds no kubeadm document', () => {
    expect(kubeadmDocuments('a: [1')).toMatch(/does not parse/);
    expect(kubeadmDocuments('apiVersion: v1\nkind: ConfigMap\n')).toMatch(/no document/);
  });
});

describe('certificate authorities in an answer', () => {
  it('takes CNs, kubeadm’s names and file names alike, and openssl’s words around them', () => {
    expect(namedCas(['kubernetes', 'front-proxy-ca', 'etcd-ca']).cas).toEqual(['etcd-ca', 'front-proxy-ca', 'kubernetes']);
    expect(namedCas(['ca', 'etcd/ca.crt', 'pki/front-proxy-ca.crt']).cas).toEqual(['etcd-ca', 'front-proxy-ca', 'kubernetes']);
    expect(namedCas(['subject=CN', '=', 'kubernetes', 'CN=etcd-ca'])).toEqual({ cas: ['etcd-ca', 'kubernetes'], unknown: [] });
  });

  it('sets apart what is no CA', () => {
    expect(namedCas(['kubernetes', 'apiserver']).unknown).toEqual(['apiserver']);
  });
});

function tokenSecret(fields: Record<string, string>, created = '2026-01-01T10:00:00Z'): V1Secret {
  const data = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return {
    metadata: { name: `bootstrap-token-${fields['token-id']}`, creationTimestamp: new Date(created) },
    type: 'bootstrap.kubernetes.io/token',
    data,
  };
}

const kub4Token = {
  'token-id': 'abc123',
  'token-secret': '0123456789abcdef',
  description: 'join kub4',
  expiration: '2026-01-01T12:00:00Z',
  'usage-bootstrap-authentication': 'true',
  'usage-bootstrap-signing': 'true',
  'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
};

describe('bootstrap tokens', () => {
  it('measures the lifetime from the Secret’s creation, within a few minutes', () => {
    expect(ttlProblem(tokenFacts(tokenSecret(kub4Token)), 2)).toBeUndefined();
    expect(ttlProblem(tokenFacts(tokenSecret({ ...kub4Token, expiration: '2026-01-01T12:04:00Z' })), 2)).toBeUndefined();
    expect(ttlProblem(tokenFacts(tokenSecret({ ...kub4Token, expiration: '2026-01-02T10:00:00Z' })), 2)).toBe(
      'token abc123 was made to live 24 h',
    );
    const { expiration: _, ...forever } = kub4Token;
    expect(ttlProblem(tokenFacts(tokenSecret(forever)), 2)).toBe('token abc123 never expires');
  });

  it('needs both usages and kubeadm’s node group for a join', () => {
    const soon = { ...kub4Token, expiration: new Date(Date.now() + 3_600_000).toISOString() };
    expect(usageProblem(tokenFacts(tokenSecret(soon)))).toBeUndefined();
    expect(usageProblem(tokenFacts(tokenSecret({ ...soon, 'usage-bootstrap-signing': 'false' })))).toMatch(/may not sign/);
    expect(usageProblem(tokenFacts(tokenSecret({ ...soon, 'auth-extra-groups': 'system:bootstrappers:other' })))).toMatch(/RBAC/);
    expect(usageProblem(tokenFacts(tokenSecret(kub4Token)))).toMatch(/expired/);
  });
});
