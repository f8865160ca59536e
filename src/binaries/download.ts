import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { $ } from '../exec.ts';
import { UserError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import { components, KWOK_STAGES, versions, type Component } from './versions.ts';
import { packageRoot } from '../paths.ts';

/** Where official releases are published; each can point at a mirror. */
export interface ReleaseSources {
  kubernetes: string;
  etcd: string;
  kwok: string;
}

export function defaultSources(env: NodeJS.ProcessEnv = process.env): ReleaseSources {
  return {
    kubernetes: env.KUBELAB_KUBERNETES_RELEASES ?? 'https://dl.k8s.io/release',
    etcd: env.KUBELAB_ETCD_RELEASES ?? 'https://github.com/etcd-io/etcd/releases/download',
    kwok: env.KUBELAB_KWOK_RELEASES ?? 'https://github.com/kubernetes-sigs/kwok/releases/download',
  };
}

/** One file to fetch, the published SHA-256 list that vouches for it, and how to get the binary out. */
export interface Artifact {
  component: Component;
  url: string;
  checksumUrl: string;
  /** The name the checksum file lists it under (null: the file holds one bare digest). */
  checksumName: string | null;
  /** For a tarball, the path inside it of each binary it brings (etcd's brings etcdctl and etcdutl too). */
  members?: Partial<Record<Component, string>>;
}

export function goArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
  const mapped = map[arch];
  if (!mapped)
    throw new UserError(`no official release binaries for CPU architecture ${arch}`, { fix: 'install Go so kubelab can build them' });
  return mapped;
}

export function releaseArtifacts(sources: ReleaseSources, arch = goArch()): Artifact[] {
  const k8s = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubeadm', 'kubectl'] as const;
  const etcdTar = `etcd-${versions.etcd}-linux-${arch}.tar.gz`;
  return [
    ...k8s.map((component) => {
      const url = `${sources.kubernetes}/${versions.kubernetes}/bin/linux/${arch}/${component}`;
      return { component, url, checksumUrl: `${url}.sha256`, checksumName: null };
    }),
    {
      component: 'etcd',
      url: `${sources.etcd}/${versions.etcd}/${etcdTar}`,
      checksumUrl: `${sources.etcd}/${versions.etcd}/SHA256SUMS`,
      checksumName: etcdTar,
      members: Object.fromEntries((['etcd', 'etcdctl', 'etcdutl'] as const).map((c) => [c, `etcd-${versions.etcd}-linux-${arch}/${c}`])),
    },
    ...(['kwok', 'kwokctl'] as const).map((component) => ({
      component,
      url: `${sources.kwok}/${versions.kwok}/${component}-linux-${arch}`,
      checksumUrl: `${sources.kwok}/${versions.kwok}/checksums.txt`,
      checksumName: `${component}-linux-${arch}`,
    })),
  ];
}

/** Reads a digest from a `sha256sum`-style list, or a file holding one bare digest. */
export function findDigest(text: string, name: string | null): string | undefined {
  for (const line of text.split('\n')) {
    const [digest, file] = line.trim().split(/\s+/);
    if (!digest || !/^[0-9a-f]{64}$/i.test(digest)) continue;
    if (name === null || file?.replace(/^\*/, '') === name) return digest.toLowerCase();
  }
  return undefined;
}

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(600_000) });
  } catch (error) {
    throw new UserError(`cannot download ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (!response.ok || !response.body) throw new UserError(`cannot download ${url}: HTTP ${response.status}`);
  return response;
}

/** Downloads one artifact to a file, hashing while it streams; a digest mismatch deletes the file. */
export async function downloadVerified(artifact: Artifact, file: string): Promise<void> {
  const expected = findDigest(await (await fetchOk(artifact.checksumUrl)).text(), artifact.checksumName);
  if (!expected) throw new UserError(`no SHA-256 for ${artifact.checksumName ?? artifact.url} in ${artifact.checksumUrl}`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const body = (await fetchOk(artifact.url)).body!;
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), tap, createWriteStream(file));
  const actual = hash.digest('hex');
  if (actual !== expected) {
    await rm(file, { force: true });
    throw new UserError(`SHA-256 mismatch for ${artifact.url}: expected ${expected}, got ${actual}`, {
      fix: 'the download is corrupt or tampered with; nothing was installed',
    });
  }
}

/** Downloads and verifies every component into binDir; nothing lands in binDir unless all verify. */
export async function downloadReleases(binDir: string, sources: ReleaseSources, progress: Progress, arch = goArch()): Promise<void> {
  const staging = `${binDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const artifacts = releaseArtifacts(sources, arch);
    for (const [i, artifact] of artifacts.entries()) {
      progress.update(`downloading ${artifact.component} (${i + 1}/${artifacts.length})`);
      const target = join(staging, artifact.component);
      if (artifact.members) {
        const tarball = `${target}.tar.gz`;
        await downloadVerified(artifact, tarball);
        for (const [component, path] of Object.entries(artifact.members)) {
          await $({ quiet: true, cwd: staging })`tar -xzf ${tarball} --strip-components=1 ${path}`;
          await chmod(join(staging, component), 0o755);
        }
        await rm(tarball);
      } else {
        await downloadVerified(artifact, target);
        await chmod(target, 0o755);
      }
    }
    const brought = (a: Artifact) => (a.members ? Object.keys(a.members) : [a.component]);
    const missing = components.filter((c) => !artifacts.some((a) => brought(a).includes(c)));
    if (missing.length) throw new UserError(`no release artifact for ${missing.join(', ')}`);
    // Release binaries do not carry kwok's default stages; the repository keeps a checked copy.
    await copyFile(join(packageRoot, 'tools', KWOK_STAGES), join(staging, KWOK_STAGES));
    await rename(staging, binDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
