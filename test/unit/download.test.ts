// The download-and-verify path, against a local HTTP server standing in for the release
// mirrors (the real ones cannot be reached from these machines).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadReleases, findDigest, releaseArtifacts, type ReleaseSources } from '../../src/binaries/download.ts';
import { versions } from '../../src/binaries/versions.ts';
import { silentProgress } from '../../src/progress.ts';

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
let server: Server;
let files: Map<string, Buffer>;
let sources: ReleaseSources;

function publish(arch: string, tamper?: string): void {
  files = new Map();
  const art = releaseArtifacts({ kubernetes: '/k8s', etcd: '/etcd', kwok: '/kwok' }, arch);
  const lists = new Map<string, string[]>();
  for (const a of art) {
    let body: Buffer;
    if (a.members) {
      const dir = mkdtempSync(join(tmpdir(), 'tar-'));
      for (const [component, path] of Object.entries(a.members)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), `#!/bin/sh\necho ${component}\n`);
      }
      const tarball = join(dir, 'x.tar.gz');
      execFileSync('tar', ['-czf', tarball, '-C', dir, ...Object.values(a.members)]);
      body = readFileSync(tarball);
    } else {
      body = Buffer.from(`#!/bin/sh\necho ${a.component}\n`);
    }
    const digest = sha(body);
    files.set(a.url, a.component === tamper ? Buffer.concat([body, Buffer.from('tampered')]) : body);
    if (a.checksumName === null) files.set(a.checksumUrl, Buffer.from(`${digest}\n`));
    else lists.set(a.checksumUrl, [...(lists.get(a.checksumUrl) ?? []), `${digest}  ${a.checksumName}`]);
  }
  for (const [url, lines] of lists) files.set(url, Buffer.from(`${'0'.repeat(64)}  unrelated-file\n${lines.join('\n')}\n`));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) return res.writeHead(404).end();
    res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  sources = { kubernetes: `${base}/k8s`, etcd: `${base}/etcd`, kwok: `${base}/kwok` };
});

afterAll(() => server.close());

describe('release download', () => {
  it('uses the official layout of each project', () => {
    const urls = releaseArtifacts({ kubernetes: 'K', etcd: 'E', kwok: 'W' }, 'amd64').map((a) => a.url);
    expect(urls).toContain(`K/${versions.kubernetes}/bin/linux/amd64/kube-apiserver`);
    expect(urls).toContain(`E/${versions.etcd}/etcd-${versions.etcd}-linux-amd64.tar.gz`);
    expect(urls).toContain(`W/${versions.kwok}/kwokctl-linux-amd64`);
  });

  it('reads digests from bare files and from sha256sum lists', () => {
    const d = 'a'.repeat(64);
    expect(findDigest(`${d}\n`, null)).toBe(d);
    expect(findDigest(`${'b'.repeat(64)}  other\n${d} *wanted\n`, 'wanted')).toBe(d);
    expect(findDigest('not a digest', null)).toBeUndefined();
  });

  it('installs every binary when every digest matches', async () => {
    publish('amd64');
    const bin = join(mkdtempSync(join(tmpdir(), 'dl-')), 'bin');
    await downloadReleases(bin, sources, silentProgress, 'amd64');
    expect(execFileSync(join(bin, 'kube-apiserver'), { encoding: 'utf8' }).trim()).toBe('kube-apiserver');
    expect(execFileSync(join(bin, 'etcd'), { encoding: 'utf8' }).trim()).toBe('etcd');
    expect(execFileSync(join(bin, 'etcdutl'), { encoding: 'utf8' }).trim()).toBe('etcdutl');
    expect(existsSync(join(bin, 'kwokctl'))).toBe(true);
    expect(readFileSync(join(bin, 'kwok-stages.yaml'), 'utf8')).toContain('name: node-initialize');
  });

  it('installs nothing when one file does not match its digest', async () => {
    publish('amd64', 'kubeadm');
    const bin = join(mkdtempSync(join(tmpdir(), 'dl-')), 'bin');
    await expect(downloadReleases(bin, sources, silentProgress, 'amd64')).rejects.toThrow(/SHA-256 mismatch for .*kubeadm/);
    expect(existsSync(bin)).toBe(false);
  });

  it('fails clearly when a file is missing', async () => {
    publish('amd64');
    files.delete([...files.keys()].find((k) => k.endsWith('/kwok-linux-amd64'))!);
    const bin = join(mkdtempSync(join(tmpdir(), 'dl-')), 'bin');
    await expect(downloadReleases(bin, sources, silentProgress, 'amd64')).rejects.toThrow(/cannot download .*kwok-linux-amd64: HTTP 404/);
    expect(existsSync(bin)).toBe(false);
  });
});
