// `kubelab serve` and `kubelab build`: the lab site (Observable Framework) with the bridge
// that gives its live cells the cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startBridge, type Bridge } from './bridge/server.ts';
import { up } from './cluster/lifecycle.ts';
import { resolveTarget, targetName, type ClusterTarget } from './target.ts';
import { defaultShape } from './cluster/shape.ts';
import { UserError } from './errors.ts';
import { packageRoot } from './paths.ts';
import type { Progress } from './progress.ts';

// The config names the root (labs/); `--root labs` would make Framework look for the config inside labs/.
const CONFIG = join(packageRoot, 'observablehq.config.ts');
const SITE_ROOT = join(packageRoot, 'labs');
const FRAMEWORK_CACHE = join(SITE_ROOT, '.observablehq', 'cache');

export interface ServeOptions {
  target: ClusterTarget;
  port: number;
  /** 0 picks a free port. */
  bridgePort: number;
  open: boolean;
}

export interface BuildOptions {
  target: ClusterTarget;
  output: string;
}

/**
 * The environment Framework and its data loaders run in: Node 24 and tsx (a dependency of ours:
 * Framework runs .ts data loaders with the tsx it finds on PATH) first on PATH,
 * no telemetry (it would send events to an outside host), and the cluster to snapshot.
 */
function siteEnv(target: ClusterTarget): NodeJS.ProcessEnv {
  const bin = join(packageRoot, 'node_modules', '.bin');
  return {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    OBSERVABLE_TELEMETRY_DISABLE: 'true',
    KUBELAB_TARGET: JSON.stringify({ ...target, name: targetName(target) }),
  };
}

/** Every `npm:` package Framework's own client code names (its recommended libraries). */
function frameworkNpmNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        for (const [, spec] of readFileSync(path, 'utf8').matchAll(/["'`]npm:((?:@[\w.-]+\/)?[\w.-]+)/g)) names.add(spec!);
      }
    }
  };
  walk(join(packageRoot, 'node_modules', '@observablehq', 'framework', 'dist', 'client'));
  return [...names];
}

/**
 * Bundling Framework's client asks the npm registry for the latest version of each library
 * it can load on demand, unless its version cache already names one. Naming the installed
 * version (or a placeholder for libraries the labs do not use) keeps builds and previews
 * from making any request outside this machine; the pages import what they use from node_modules.
 */
export function seedNpmVersionCache(): void {
  const npmCache = join(FRAMEWORK_CACHE, '_npm');
  for (const name of frameworkNpmNames()) {
    const scope = join(npmCache, ...name.split('/').slice(0, -1));
    const base = name.split('/').pop()!;
    if (existsSync(scope) && readdirSync(scope).some((d) => d.startsWith(`${base}@`))) continue;
    const manifest = join(packageRoot, 'node_modules', name, 'package.json');
    const version = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : '0.0.0-offline';
    mkdirSync(join(npmCache, `${name}@${version}`), { recursive: true });
  }
}

/** Framework reruns a data loader only when the loader file changes; snapshots must be taken anew. */
function dropSnapshots(): void {
  rmSync(join(FRAMEWORK_CACHE, 'data'), { recursive: true, force: true });
}

function observable(args: string[], target: ClusterTarget, stdio: 'inherit' | 'pipe', env: NodeJS.ProcessEnv = {}): ChildProcess {
  const bin = join(packageRoot, 'node_modules', '.bin', 'observable');
  if (!existsSync(bin)) throw new UserError('Observable Framework is not installed', { fix: 'run npm install in the kubelab directory' });
  return spawn(bin, args, { cwd: packageRoot, env: { ...siteEnv(target), ...env }, stdio: ['ignore', stdio, stdio] });
}

/**
 * The build replaces the output directory, so only a new, empty or earlier-built one may be
 * used. An earlier build is removed here: Framework clears it only inside the working
 * directory, and elsewhere fails on the files it finds.
 */
function prepareOutput(output: string): void {
  if (!existsSync(output)) return;
  if (!statSync(output).isDirectory()) throw new UserError(`${output} is not a directory`);
  const entries = readdirSync(output);
  if (entries.length && !entries.includes('_observablehq')) {
    throw new UserError(`${output} is not empty and holds no earlier site build; kubelab build replaces its whole content`, {
      fix: 'choose a new directory with --output',
    });
  }
  rmSync(output, { recursive: true, force: true });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function waitForSite(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new UserError(`the Observable Framework preview exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new UserError(`the lab site did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function openBrowser(url: string): boolean {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  try {
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.on('error', () => console.log(`  (could not start ${command}: open the link yourself)`));
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** Forwards the preview's warnings and errors, not its log of every request. */
function forwardErrors(child: ChildProcess): void {
  let buffer = '';
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (/error|warning/i.test(line)) console.error(`site: ${line}`);
  });
}

async function stop(child: ChildProcess, bridge: Bridge): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await bridge.close();
}

/** The signals that stop the site and the bridge (never the cluster), and how the last line names them. */
const stopSignals = { SIGINT: 'interrupted', SIGTERM: 'terminated', SIGHUP: 'hung up' } as const;

/**
 * Starts (or reuses) the cluster, the bridge and the site's preview, and prints or opens the
 * site's link. The link's fragment carries the bridge's port and token (see labs/components/kube.ts).
 * Returns when interrupted or when the preview exits; the cluster keeps running.
 */
export async function serve(options: ServeOptions, progress: Progress): Promise<void> {
  if (!(await portFree(options.port))) throw new UserError(`port ${options.port} is in use`, { fix: 'choose another with --port' });
  if (options.bridgePort && !(await portFree(options.bridgePort)))
    throw new UserError(`port ${options.bridgePort} is in use`, { fix: 'choose another with --bridge-port' });
  const { provider, access, createdByKubelab } = resolveTarget(options.target, 'create');
  if (createdByKubelab) await up(provider, provider.shapeOf(access.name) ?? defaultShape(access.name), progress);
  const name = access.name;

  seedNpmVersionCache();
  dropSnapshots();
  const siteOrigin = `http://127.0.0.1:${options.port}`;
  const bridge = await startBridge({
    cluster: { ...options.target, name },
    siteOrigin,
    port: options.bridgePort,
    log: (line) => console.error(line),
  });
  const child = observable(
    ['preview', '--config', CONFIG, '--port', String(options.port), '--no-open'],
    { ...options.target, name },
    'pipe',
  );
  forwardErrors(child);
  let signal: string | undefined;
  let onSignal: (name: NodeJS.Signals) => void = () => {};
  const interrupted = new Promise<string>((resolve) => {
    onSignal = (name) => {
      signal ??= stopSignals[name as keyof typeof stopSignals];
      resolve(signal);
    };
  });
  // `on`, not `once`: behind the launcher (bin/kubelab.js) a terminal's Ctrl-C arrives twice, from
  // the terminal and passed on, and a second one must not cut the shutdown short.
  for (const name of Object.keys(stopSignals)) process.on(name, onSignal);
  // Ctrl-C in a terminal reaches the preview too, and it may exit first: that is still an interrupt.
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code) => setTimeout(() => resolve(signal ?? `the preview exited (code ${code})`), 200)),
  );
  try {
    await Promise.race([
      waitForSite(`${siteOrigin}/`, child, 60_000),
      exited.then((why) => Promise.reject(new UserError(why))),
      interrupted.then((why) => Promise.reject(new UserError(`${why} before the site was up`, { exitCode: 130 }))),
    ]);
  } catch (error) {
    await stop(child, bridge);
    for (const name of Object.keys(stopSignals)) process.off(name, onSignal);
    throw error;
  }

  const link = `${siteOrigin}/#kubelab=${bridge.port}.${bridge.token}`;
  progress.done(`lab site on ${siteOrigin}, bridge on ${bridge.url}, cluster "${name}"`);
  console.log(`Open the labs: ${link}`);
  console.log(
    '(the link carries this session’s access key for live cells; Ctrl-C stops the site and the bridge, the cluster keeps running)',
  );
  if (options.open) openBrowser(link);

  const why = await Promise.race([interrupted, exited]);
  await stop(child, bridge);
  for (const name of Object.keys(stopSignals)) process.off(name, onSignal);
  console.log(`${why}: stopped the lab site and the bridge; cluster "${name}" is still running (kubelab down --name ${name} stops it)`);
  if (!signal) process.exitCode = 1;
}

/**
 * Builds the static site into options.output. When the cluster is running, the data loaders
 * snapshot it, and the pages say they show a snapshot; without one they say none was taken.
 */
export async function build(options: BuildOptions, progress: Progress): Promise<void> {
  prepareOutput(options.output);
  const { provider, access } = resolveTarget(options.target, 'create');
  const name = access.name;
  const status = provider.shapeOf(name) || options.target.context ? await provider.status(name) : undefined;
  if (status?.running) progress.step(`snapshotting cluster "${name}" into the site`);
  else progress.step(`no running cluster "${name}": the pages will say no snapshot was taken (kubelab up first to include one)`);
  seedNpmVersionCache();
  dropSnapshots();
  const child = observable(['build', '--config', CONFIG], { ...options.target, name }, 'inherit', { KUBELAB_SITE_OUTPUT: options.output });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new UserError(`observable build failed (exit code ${code})`, { fix: 'see the messages above' });
  progress.done(`built the lab site into ${options.output}`);
}
