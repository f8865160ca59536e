// kubelab node join against a real cluster. The token and CA hash come from the pinned
// kubeadm (kubeadm token create --print-join-command) and are cross-checked with openssl,
// so nothing here trusts kubelab's own discovery code to grade itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificatesV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { isReady } from '../../src/cluster/nodes.ts';
import { paths } from '../../src/cluster/local/state.ts';
import { silentProgress } from '../../src/progress.ts';
import { eventually, isolateState, kubelab, shape, startCluster, type TestCluster } from '../helpers/cluster.ts';

const home = isolateState();
const NAME = 't-join';
const env = { KUBELAB_HOME: home };
let cluster: TestCluster;
let kubeadm: string;
let join_: { endpoint: string; token: string; hash: string };

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The CA public-key hash as the kubeadm docs compute it, with openssl alone. */
function opensslCaHash(caFile: string): string {
  const pubkey = run('openssl', ['x509', '-pubkey', '-noout', '-in', caFile]);
  const der = spawnSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pubkey });
  const digest = spawnSync('openssl', ['dgst', '-sha256', '-hex'], { input: der.stdout, encoding: 'utf8' });
  return `sha256:${digest.stdout.trim().split(' ').pop()}`;
}

async function csrCount(): Promise<number> {
  return (await cluster.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items.length;
}

async function nodeNames(): Promise<string[]> {
  return (await cluster.core.listNode()).items.map((n) => n.metadata!.name!).sort();
}

function recordText(): string {
  return readFileSync(paths(NAME).marker, 'utf8');
}

function joinCli(args: string[]) {
  return kubelab(['node', 'join', ...args, '--name', NAME], env);
}

/** Runs a join that must be refused: exactly one line on stderr, none on stdout, a non-zero exit, nothing created. */
async function expectRefused(args: string[], message: RegExp): Promise<void> {
  const [csrs, nodes, record] = [await csrCount(), await nodeNames(), recordText()];
  const result = joinCli(args);
  expect(result.status, result.stderr).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
  expect(await csrCount()).toBe(csrs);
  expect(await nodeNames()).toEqual(nodes);
  expect(recordText()).toBe(record);
}

beforeAll(async () => {
  cluster = await startCluster(shape(NAME));
  kubeadm = (await ensureBinaries()).path('kubeadm');
  const printed = run(kubeadm, ['token', 'create', '--print-join-command', '--kubeconfig', cluster.access.kubeconfig]);
  const match = /kubeadm join (\S+) --token (\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(printed);
  if (!match) throw new Error(`unexpected join command: ${printed}`);
  join_ = { endpoint: match[1]!, token: match[2]!, hash: match[3]! };
});

afterAll(async () => {
  await cluster?.provider.remove(NAME, silentProgress);
});

describe('kubelab node join', () => {
  it('finds the RBAC that kubeadm init phase bootstrap-token creates for bootstrap tokens', async () => {
    const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
    const group = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' };
    const create = await rbac.readClusterRoleBinding({ name: 'kubeadm:kubelet-bootstrap' });
    expect(create.roleRef.name).toBe('system:node-bootstrapper');
    expect(create.subjects).toContainEqual(group);
    const approve = await rbac.readClusterRoleBinding({ name: 'kubeadm:node-autoapprove-bootstrap' });
    expect(approve.roleRef.name).toBe('system:certificates.k8s.io:certificatesigningrequests:nodeclient');
    expect(approve.subjects).toContainEqual(group);
  });

  it('gets a loopback endpoint from kubeadm, and a hash that openssl agrees with', () => {
    expect(join_.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(opensslCaHash(join(paths(NAME).pki, 'ca.crt'))).toBe(join_.hash);
    const listed = run(kubeadm, ['token', 'list', '--kubeconfig', cluster.access.kubeconfig]);
    expect(listed).toContain(join_.token);
  });

  it('refuses a token whose secret is wrong: the JWS does not verify', async () => {
    const wrong = `${join_.token.split('.')[0]}.${'x'.repeat(16)}`;
    expect(wrong).not.toBe(join_.token);
    await expectRefused(
      [join_.endpoint, '--token', wrong, '--discovery-token-ca-cert-hash', join_.hash, '--node-name', 'kub5'],
      /^kubelab: couldn't validate the identity of the API Server: failed to verify JWS signature/,
    );
  });

  it('refuses a token the cluster does not know', async () => {
    await expectRefused(
      [join_.endpoint, '--token', 'zzzzzz.zzzzzzzzzzzzzzzz', '--discovery-token-ca-cert-hash', join_.hash, '--node-name', 'kub5'],
      /could not find a JWS signature in the cluster-info ConfigMap for token ID "zzzzzz"/,
    );
  });

  it('refuses a CA hash that does not pin the cluster CA', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expectRefused(
      [join_.endpoint, '--token', join_.token, '--discovery-token-ca-cert-hash', wrong, '--node-name', 'kub5'],
      /none of the public keys "sha256:[0-9a-f]{64}" are pinned/,
    );
  });

  it('refuses to dial the advertise address, which is only a label', async () => {
    await expectRefused(
      ['10.10.10.101:6443', '--token', join_.token, '--discovery-token-ca-cert-hash', join_.hash, '--node-name', 'kub5'],
      /refusing to dial 10\.10\.10\.101:6443/,
    );
  });

  it('joins kub4 through discovery and TLS bootstrap: an approved CSR from the token, a Ready node', async () => {
    const result = joinCli([join_.endpoint, '--token', join_.token, '--discovery-token-ca-cert-hash', join_.hash, '--node-name', 'kub4']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('kub4');

    const node = await eventually(async () => {
      const n = await cluster.core.readNode({ name: 'kub4' });
      return isReady(n) ? n : undefined;
    }, 30_000);
    expect(node.metadata?.labels?.['node-role.kubernetes.io/control-plane']).toBeUndefined();

    const tokenId = join_.token.split('.')[0];
    const csrs = (await cluster.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
    expect(csrs).toHaveLength(1);
    const csr = csrs[0]!;
    expect(csr.spec.username).toBe(`system:bootstrap:${tokenId}`);
    expect(csr.spec.groups).toContain('system:bootstrappers:kubeadm:default-node-token');
    expect(csr.spec.signerName).toBe('kubernetes.io/kube-apiserver-client-kubelet');
    expect([...csr.spec.usages!].sort()).toEqual(['client auth', 'digital signature']);
    expect(csr.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Approved', status: 'True', reason: 'AutoApproved' }));
    expect(csr.status?.certificate).toBeTruthy();

    // The issued certificate, judged by openssl: subject and chain to the cluster CA.
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-join-'));
    const certFile = join(dir, 'kub4.crt');
    writeFileSync(certFile, Buffer.from(csr.status!.certificate!, 'base64'));
    expect(run('openssl', ['x509', '-in', certFile, '-noout', '-subject'])).toMatch(/O\s*=\s*system:nodes, CN\s*=\s*system:node:kub4/);
    expect(run('openssl', ['verify', '-CAfile', join(paths(NAME).pki, 'ca.crt'), certFile])).toContain(': OK');

    // The node's own kubeconfig authenticates as the node, and the Node authorizer confines it.
    const kubeletConf = join(paths(NAME).dir, 'nodes', 'kub4', 'kubelet.conf');
    const kubectl = (await ensureBinaries()).path('kubectl');
    expect(run(kubectl, ['--kubeconfig', kubeletConf, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).toBe(
      'system:node:kub4',
    );
    const canI = spawnSync(kubectl, ['--kubeconfig', kubeletConf, 'auth', 'can-i', 'get', 'node/kub2'], { encoding: 'utf8' });
    expect(canI.stdout).toMatch(/^no - node 'kub4' cannot read 'kub2'/);
  });

  it('refuses to join a name that a Node already has', async () => {
    const csrs = await csrCount();
    const result = joinCli([join_.endpoint, '--token', join_.token, '--discovery-token-ca-cert-hash', join_.hash, '--node-name', 'kub2']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/a Node with name "kub2" already exists in the cluster/);
    expect(await csrCount()).toBe(csrs);
  });

  it('records kub4 in the cluster, so down and up keep it', async () => {
    expect(JSON.parse(recordText()).shape.nodes.map((n: { name: string }) => n.name)).toEqual(['kub1', 'kub2', 'kub3', 'kub4']);
    expect(kubelab(['down', '--name', NAME], env).status).toBe(0);
    const up = kubelab(['up', '--name', NAME], env);
    expect(up.status, up.stderr).toBe(0);
    const node = await eventually(async () => {
      const n = await cluster.core.readNode({ name: 'kub4' });
      return isReady(n) ? n : undefined;
    }, 60_000);
    expect(node.metadata?.name).toBe('kub4');
  });
});
