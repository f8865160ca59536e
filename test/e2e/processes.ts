// The kubelab CLI and kubectl as processes, for the e2e tests and the benchmarks (no vitest here).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { packageRoot } from '../../src/paths.ts';

/** The cluster name, inside a private KUBELAB_HOME. */
export const CLUSTER = 'e2e';

/** Runs the kubelab CLI as a user would. */
export function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), ...args], { encoding: 'utf8', env: process.env, timeout: 300_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Creates the cluster, or resumes it, as `kubelab up` does. */
export function ensureCluster(): void {
  const result = run(['up', '--name', CLUSTER]);
  if (result.status !== 0) throw new Error(`kubelab up failed: ${result.stderr}`);
}

export function kubeconfig(): string {
  return chooseProvider('auto', { name: CLUSTER }).provider.access(CLUSTER).kubeconfig;
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
    child.on('close', (code) => (code === 0 ? resolve({ stdout, ms: performance.now() - started }) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`))));
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
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Runs `kubelab serve --no-open` as a user would and waits for the link it prints. */
export async function startServe(env: NodeJS.ProcessEnv = {}): Promise<Serve> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), 'serve', '--name', CLUSTER, '--port', String(port), '--no-open'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 180_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /Open the labs: (http:\/\/127\.0\.0\.1:(\d+))\/#kubelab=(\d+)\.([\w-]+)/.exec(output))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kubelab serve did not print its link:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    link: match[0].slice('Open the labs: '.length),
    site: match[1]!,
    bridgePort: Number(match[3]),
    token: match[4]!,
    output: () => output,
    async interrupt() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
