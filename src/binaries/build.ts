import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { $ } from '../exec.ts';
import { UserError } from '../errors.ts';
import { packageRoot } from '../paths.ts';
import type { Progress } from '../progress.ts';
import { type Component, components, KWOK_STAGES, versions } from './versions.ts';

const toolsDir = join(packageRoot, 'tools');
const mainPackage = './cmd/kubelab-components';
export const multiCallBinary = 'kubelab-components';
/** The long-running local components only: started from it, none pays for kubelet's or kubectl's packages. */
const serversPackage = './cmd/kubelab-servers';
const serversBinary = 'kubelab-servers';
const servers: readonly Component[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kwok'];

// Static, like Kubernetes' release binaries: the same binary then runs on any Linux host
// and inside the kind node and component images, whatever their C library. `go list` needs it
// too: cgo changes which packages (and files) a build takes.
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0' };
}

/** Before this many packages and seconds the pace says too little (the first ones are small). */
const WARM_UP_PACKAGES = 50;
const WARM_UP_MS = 20_000;

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
  const recipe = ['go.mod', 'go.sum', join(mainPackage, 'main.go'), join(serversPackage, 'main.go'), 'internal/multicall/multicall.go'];
  for (const file of recipe) digest.update(readFileSync(join(toolsDir, file)));
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

/**
 * Builds every component into one multi-call binary in binDir, and the local cluster's servers
 * into a second, smaller one, with a symlink per component name.
 */
export async function buildFromSource(binDir: string, progress: Progress): Promise<void> {
  const staging = `${binDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  progress.step(
    `building Kubernetes ${versions.kubernetes}, etcd ${versions.etcd} and kwok ${versions.kwok} from Go modules (once per version; about 10–20 minutes on 2 cores)`,
  );
  const started = Date.now();
  const packages = await listPackages();
  await goBuild(staging, packages, progress);
  for (const name of components) await symlink(servers.includes(name) ? serversBinary : multiCallBinary, join(staging, name));
  const stages = await $({ quiet: true })`${join(staging, multiCallBinary)} kwok-stages`;
  await writeFile(join(staging, KWOK_STAGES), stages.stdout);
  try {
    await rename(staging, binDir);
  } catch {
    await rm(staging, { recursive: true, force: true }); // another process finished the same build first
  }
  progress.done(`built upstream components in ${Math.round((Date.now() - started) / 1000)} s → ${binDir}`);
}

/**
 * The progress line while compiling: the count, and once the pace says something, about how
 * long compiling has left at that pace. Packages already in Go's build cache are not compiled
 * again, so on a partly warm cache this errs long.
 */
export function compileProgress(compiled: number, total: number, elapsedMs: number): string {
  const count = `compiling ${compiled}/${total} packages`;
  if (compiled < WARM_UP_PACKAGES || elapsedMs < WARM_UP_MS || compiled >= total) return count;
  return `${count}, ${roughly(((total - compiled) * elapsedMs) / compiled)} left, then linking`;
}

/** A duration as a person would say it when it is only an estimate. */
export function roughly(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  return minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
}

interface Packages {
  total: number;
  /** The main packages: go compiles each after everything it imports, and then links. */
  mains: string[];
}

async function listPackages(): Promise<Packages> {
  const format = '{{.Name}} {{.ImportPath}}';
  const out = await $({ cwd: toolsDir, env: goEnv(), quiet: true })`go list -deps -f ${format} ${mainPackage} ${serversPackage}`;
  const packages = out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));
  return { total: packages.length, mains: packages.filter(([name]) => name === 'main').map(([, path]) => path ?? '') };
}

/** Both binaries in one go build: it compiles the packages they share once, and links the two side by side. */
function goBuild(outputDir: string, packages: Packages, progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['build', '-v', '-trimpath', '-ldflags', versionLdflags(), '-o', `${outputDir}/`, mainPackage, serversPackage];
    const child = spawn('go', args, {
      cwd: toolsDir,
      env: goEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let compiled = 0;
    let firstAt = 0;
    const errors: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (/^[\w.\-/]+$/.test(line)) {
        compiled += 1;
        // Paced from the first package compiled: go loads every package before it compiles one.
        firstAt ||= Date.now();
        // A step, not an update: on a pipe an update may be held back, and linking is a long step of its own.
        if (packages.mains.includes(line)) progress.step(`linking ${line.split('/').at(-1)}…`);
        else progress.update(compileProgress(compiled, packages.total, Date.now() - firstAt));
      } else {
        errors.push(line);
      }
    });
    child.on('error', (error) => reject(new UserError(`cannot run go: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new UserError(`go build of the upstream components failed (exit ${code}): ${errors.slice(-3).join(' | ')}`, {
            fix: 'see tools/README.md',
          }),
        );
    });
  });
}
