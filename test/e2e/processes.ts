// The kubelab CLI and kubectl as processes, for the e2e tests and the benchmarks (no vitest here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { packageRoot } from '../../src/paths.ts';

/** The cluster name, inside a private KUBELAB_HOME. */
export const CLUSTER = 'e2e';

/** Runs the kubelab CLI as a user would. */
export function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), ...args], {
    encoding: 'utf8',
    env: process.env,
    timeout: 300_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The e2e tests run on the local provider: fast, and the same on every machine. (Where Docker
 * and kubelab's node image are present, auto would pick kind; test/cluster/kind.test.ts covers that.)
 */
export const PROVIDER = ['--provider', 'local'];

/** Creates the cluster, or resumes it, as `kubelab up` does. */
export function ensureCluster(): void {
  const result = run(['up', '--name', CLUSTER, ...PROVIDER]);
  if (result.status !== 0) throw new Error(`kubelab up failed: ${result.stderr}`);
}

export function kubeconfig(): string {
  return chooseProvider('local', { name: CLUSTER }).provider.access(CLUSTER).kubeconfig;
}

/** The pinned kubectl against the e2e cluster; resolves with its output, and how long it took. */
export async function kubectl(...args: string[]): Promise<{ stdout: string; ms: number }> {
  const path = (await ensureBinaries()).path('kubectl');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['--kubeconfig', kubeconfig(), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, ms: performance.now() - started }) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)),
    );
  });
}

export async function nodeNames(): Promise<string[]> {
  return (await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).stdout.split(/\s+/).filter(Boolean);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Serve {
  child: ChildProcess;
  /** The link kubelab serve printed, with the bridge's port and token in its fragment. */
  link: string;
  site: string;
  bridgePort: number;
  token: string;
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

export interface ServeOptions {
  /** The Node that runs bin/kubelab.js; the machine's own, say, so that the launcher re-runs it. */
  node?: string;
  /** Flags that name the cluster; without any, serve takes the default one, as `npm start` does. */
  flags?: string[];
  /** How long until the link: a first start builds the upstream binaries. */
  waitMs?: number;
}

/** Runs `kubelab serve --no-open` as a user would and waits for the link it prints. */
export async function startServe(env: NodeJS.ProcessEnv = {}, options: ServeOptions = {}): Promise<Serve> {
  const port = await freePort();
  const flags = options.flags ?? ['--name', CLUSTER, ...PROVIDER];
  const child: ChildProcess = spawn(
    options.node ?? process.execPath,
    [join(packageRoot, 'bin', 'kubelab.js'), 'serve', ...flags, '--port', String(port), '--no-open'],
    {
      // Inherited from a run that was itself re-run, it would keep the launcher from re-running.
      env: { ...process.env, KUBELAB_REEXEC: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.waitMs ?? 180_000);
  const link = /Open the labs: (http:\/\/127\.0\.0\.1:(\d+))\/#kubelab=(\d+)\.([\w-]+)/;
  let match = link.exec(output);
  while (!match) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kubelab serve did not print its link:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
    match = link.exec(output);
  }
  return {
    child,
    link: match[0].slice('Open the labs: '.length),
    site: match[1]!,
    bridgePort: Number(match[3]),
    token: match[4]!,
    output: () => output,
    exited,
    async interrupt() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** True only when nothing listens any more: the connection itself is refused (not a timeout). */
export async function refused(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

/** A process as /proc shows it; its start time tells it from a later process given the same pid. */
export interface ProcessInfo {
  pid: number;
  parent: number;
  start: string;
  zombie: boolean;
  command: string;
}

function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces and parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, parent: Number(fields[1]), start: fields[19]!, zombie: fields[0] === 'Z', command };
  } catch {
    return undefined; // it ended while we looked
  }
}

/** Every process started below pid that still runs. */
export function descendants(pid: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => processInfo(Number(entry)) ?? []);
  const found: ProcessInfo[] = [];
  const walk = (parent: number) => {
    for (const child of all.filter((p) => p.parent === parent)) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(pid);
  return found;
}

/** Whether that very process still runs (not merely its pid, nor as a zombie). */
export function stillRunning(info: ProcessInfo): boolean {
  const now = processInfo(info.pid);
  return now !== undefined && now.start === info.start && !now.zombie;
}
