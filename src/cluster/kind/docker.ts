import { spawn, spawnSync } from 'node:child_process';
import { UserError } from '../../errors.ts';

export type Probe = { ok: true; version: string } | { ok: false; reason: string };

/** The first line worth showing from a failed command's output. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/**
 * Whether a Docker engine answers, within a time limit: `docker info` hangs for a long time
 * when the socket exists but the daemon is wedged, and provider detection must stay fast.
 */
export function probeDocker(bin = 'docker', timeoutMs = 3000): Probe {
  const result = spawnSync(bin, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: `${bin} is not installed` };
    if (code === 'ETIMEDOUT') return { ok: false, reason: `docker info did not answer within ${timeoutMs / 1000} s` };
    return { ok: false, reason: result.error.message };
  }
  const version = result.stdout.trim();
  if (result.status !== 0 || !version) {
    return { ok: false, reason: `docker is not running (${firstLine(result.stderr) || `docker info exited ${result.status}`})` };
  }
  return { ok: true, version };
}

/** Whether the image is in Docker's local store. kubelab never pulls: nothing it runs may reach past loopback. */
export function imagePresent(image: string, bin = 'docker', timeoutMs = 5000): boolean {
  const result = spawnSync(bin, ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8', timeout: timeoutMs });
  return result.status === 0 && result.stdout.trim() !== '';
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs docker with the given arguments; stdin gets `input` when given. Never throws for a non-zero exit. */
export function docker(args: string[], input?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => reject(new UserError(`cannot run docker: ${error.message}`, { fix: 'install Docker, or use --provider local' })));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Like docker(), but a non-zero exit becomes one line naming what failed. */
export async function dockerOk(args: string[], what: string, input?: string): Promise<string> {
  const result = await docker(args, input);
  if (result.code !== 0) {
    const lines = result.stderr.trim().split('\n').filter(Boolean);
    throw new UserError(`${what} failed: ${lines.pop() ?? `docker ${args[0]} exited ${result.code}`}`);
  }
  return result.stdout;
}

export interface Container {
  name: string;
  /** Docker's state: running, exited, created, paused… */
  state: string;
}

/** The node containers kind made for a cluster (kind labels each with the cluster's name). */
export async function clusterContainers(cluster: string): Promise<Container[]> {
  const out = await dockerOk(['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}\t{{.State}}'], 'listing the node containers');
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', state = ''] = line.split('\t');
      return { name, state };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs a command in a node container and returns its stdout. */
export function execIn(container: string, command: string[], what: string, input?: string): Promise<string> {
  return dockerOk(['exec', ...(input === undefined ? [] : ['-i']), container, ...command], what, input);
}
