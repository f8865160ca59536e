import { spawnSync } from 'node:child_process';
import { exec, execResult, type ExecResult } from '../../exec.ts';

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

const DOCKER_FIX = 'install and start Docker, or use --provider local';

/** Runs docker with the given arguments; stdin gets `input` when given. Never throws for a non-zero exit. */
export function docker(args: string[], input?: string): Promise<ExecResult> {
  return execResult('docker', args, { input, fix: DOCKER_FIX });
}

/** Like docker(), but a non-zero exit becomes one line naming what failed. */
export function dockerOk(args: string[], what: string, input?: string): Promise<string> {
  return exec(what, 'docker', args, { input, fix: DOCKER_FIX });
}

export interface Container {
  name: string;
  /** Docker's state: running, exited, created, paused… */
  state: string;
}

/** The node containers kind made for a cluster (kind labels each with the cluster's name). */
export async function clusterContainers(cluster: string): Promise<Container[]> {
  const out = await dockerOk(
    ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}\t{{.State}}'],
    'listing the node containers',
  );
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
