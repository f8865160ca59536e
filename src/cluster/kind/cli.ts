import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { $ } from '../../exec.ts';
import { cacheDir } from '../../paths.ts';
import type { Progress } from '../../progress.ts';
import { hasGo } from '../../binaries/build.ts';
import { firstLine, type Probe } from './docker.ts';
import { KIND_VERSION } from './image/recipe.ts';

export { KIND_VERSION };
const KIND_MODULE = 'sigs.k8s.io/kind';

function cachedKind(): string {
  return join(cacheDir(), `kind-${KIND_VERSION}`, 'kind');
}

/**
 * The kind binary: $KUBELAB_KIND, else the pinned one kubelab built into its cache. A kind on
 * PATH is left alone: another release writes other kubeadm configs for the same node image.
 */
export function findKind(): string | undefined {
  const override = process.env.KUBELAB_KIND;
  if (override) return override;
  return existsSync(cachedKind()) ? cachedKind() : undefined;
}

/** Whether a kind binary runs, within a time limit. */
export function probeKind(bin: string | undefined, timeoutMs = 3000): Probe {
  if (!bin) return { ok: false, reason: `kind ${KIND_VERSION} is not built yet (kubelab image build builds it; or set KUBELAB_KIND)` };
  const result = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: timeoutMs });
  if (result.error || result.status !== 0) {
    return { ok: false, reason: `${bin} version failed (${result.error?.message ?? firstLine(result.stderr)})` };
  }
  return { ok: true, version: /v\d+\.\d+\.\d+\S*/.exec(result.stdout)?.[0] ?? result.stdout.trim() };
}

/** A working kind binary; builds kind from its Go module into the cache when none is installed. */
export async function ensureKind(progress: Progress): Promise<string> {
  const found = findKind();
  if (found) {
    const probe = probeKind(found);
    if (!probe.ok) throw new UserError(probe.reason, { fix: 'fix or remove that kind binary (or set KUBELAB_KIND)' });
    return found;
  }
  if (!(await hasGo())) {
    throw new UserError('the kind CLI is not installed and Go is not available to build it', {
      fix: `install Go, or build kind ${KIND_VERSION} yourself (go install ${KIND_MODULE}@${KIND_VERSION}) and set KUBELAB_KIND to it`,
    });
  }
  const dir = join(cacheDir(), `kind-${KIND_VERSION}`);
  await mkdir(dir, { recursive: true });
  progress.step(`building kind ${KIND_VERSION} from its Go module (once)`);
  await run('go', ['install', `${KIND_MODULE}@${KIND_VERSION}`], `go install ${KIND_MODULE}@${KIND_VERSION}`, undefined, {
    ...process.env,
    GOBIN: dir,
  });
  return cachedKind();
}

/**
 * The line that says why kind failed. kind logs progress on stderr and ends a failure with
 * "ERROR: failed to …", sometimes followed by the failing command's output; the ERROR line is
 * the one a user needs.
 */
export function kindErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => l.startsWith('ERROR:'))?.replace(/^ERROR:\s*/, '') ?? lines.pop() ?? 'no output';
}

/** kind's status lines, without its bullets and emoji, for kubelab's progress. */
function statusLine(line: string): string {
  return line
    .replace(/[^\x20-\x7e]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Runs kind; its status lines (stderr) go to progress as they come, and a failure ends in kind's ERROR line. */
async function run(bin: string, args: string[], what: string, progress?: Progress, env?: NodeJS.ProcessEnv): Promise<string> {
  const child = $({ env: env ?? process.env, nothrow: true })`${bin} ${args}`;
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const status = statusLine(line);
      if (status) progress?.update(status);
    }
  });
  const result = await child.catch((error: unknown) => {
    throw new UserError(`cannot run ${bin}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  });
  if (result.exitCode !== 0) throw new UserError(`${what} failed: ${kindErrorLine(result.stderr)}`, { cause: new Error(result.stderr) });
  return result.stdout;
}

export interface CreateOptions {
  name: string;
  image: string;
  config: string;
  kubeconfig: string;
  /** How long kind waits for the control plane, e.g. 120s. */
  wait: string;
}

export function createCluster(kind: string, options: CreateOptions, progress: Progress): Promise<string> {
  const args = [
    'create',
    'cluster',
    '--name',
    options.name,
    '--image',
    options.image,
    '--config',
    options.config,
    '--kubeconfig',
    options.kubeconfig,
    '--wait',
    options.wait,
  ];
  return run(kind, args, `kind create cluster --name ${options.name}`, progress);
}

/** Deletes the cluster's nodes; the kubeconfig named is the one kind removes the context from (never the user's own). */
export async function deleteCluster(kind: string, name: string, kubeconfig: string, progress?: Progress): Promise<void> {
  await run(kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig], `kind delete cluster --name ${name}`, progress);
}

export async function getClusters(kind: string): Promise<string[]> {
  return (await run(kind, ['get', 'clusters'], 'kind get clusters')).split('\n').filter(Boolean);
}
