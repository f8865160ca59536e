import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { $ } from '../shell.ts';
import { UserError } from '../errors.ts';
import { packageRoot } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { components, KWOK_STAGES, versions } from './versions.ts';

const toolsDir = join(packageRoot, 'tools');
const mainPackage = './cmd/kubelab-components';
export const multiCallBinary = 'kubelab-components';

/** -X flags that stamp the version, as Kubernetes' own build does (kubeadm's skew checks read it). */
export function versionLdflags(version: string = versions.kubernetes): string {
  const [major = '', minor = ''] = version.replace(/^v/, '').split('.');
  const stamp = (pkg: string) =>
    [`gitVersion=${version}`, `gitMajor=${major}`, `gitMinor=${minor}`, 'gitTreeState=clean', 'buildDate=1970-01-01T00:00:00Z']
      .map((kv) => `-X ${pkg}.${kv}`)
      .join(' ');
  const kwok = `-X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${version.replace(/^v/, '')}`;
  return ['-s -w', stamp('k8s.io/component-base/version'), stamp('k8s.io/client-go/pkg/version'), kwok].join(' ');
}

/** The cache key of a source build: the versions plus a digest of the recipe, so a changed recipe rebuilds. */
export function sourceBuildKey(): string {
  const digest = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', join(mainPackage, 'main.go')]) digest.update(readFileSync(join(toolsDir, file)));
  digest.update(versionLdflags());
  digest.update('CGO_ENABLED=0');
  return `${versions.kubernetes}-src-${digest.digest('hex').slice(0, 10)}`;
}

export async function hasGo(): Promise<boolean> {
  try {
    await $({ quiet: true })`go version`;
    return true;
  } catch {
    return false;
  }
}

/** Builds every component into one multi-call binary in binDir, with a symlink per component name. */
export async function buildFromSource(binDir: string, progress: Progress): Promise<void> {
  const staging = `${binDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  progress.step(`building Kubernetes ${versions.kubernetes}, etcd ${versions.etcd} and kwok ${versions.kwok} from Go modules (once per version; about 10 minutes on 2 cores)`);
  const started = Date.now();
  const total = await countPackages();
  await goBuild(join(staging, multiCallBinary), total, progress);
  for (const name of components) await symlink(multiCallBinary, join(staging, name));
  const stages = await $({ quiet: true })`${join(staging, multiCallBinary)} kwok-stages`;
  await writeFile(join(staging, KWOK_STAGES), stages.stdout);
  try {
    await rename(staging, binDir);
  } catch {
    await rm(staging, { recursive: true, force: true }); // another process finished the same build first
  }
  progress.done(`built upstream components in ${Math.round((Date.now() - started) / 1000)} s → ${binDir}`);
}

async function countPackages(): Promise<number> {
  const out = await $({ cwd: toolsDir, quiet: true })`go list -deps ${mainPackage}`;
  return out.stdout.split('\n').filter(Boolean).length;
}

function goBuild(output: string, total: number, progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['build', '-v', '-trimpath', '-ldflags', versionLdflags(), '-o', output, mainPackage], {
      cwd: toolsDir,
      // Static, like Kubernetes' release binaries: the same binary then runs on any Linux host
      // and inside the kind node and component images, whatever their C library.
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let compiled = 0;
    const errors: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (/^[\w.\-/]+$/.test(line)) {
        compiled += 1;
        progress.update(compiled >= total ? 'linking kubelab-components…' : `compiling ${compiled}/${total} packages`);
      } else {
        errors.push(line);
      }
    });
    child.on('error', (error) => reject(new UserError(`cannot run go: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new UserError(`go build of the upstream components failed (exit ${code}): ${errors.slice(-3).join(' | ')}`, { fix: 'see tools/README.md' }));
    });
  });
}
