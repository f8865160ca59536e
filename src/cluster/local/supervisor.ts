// The supervisor runs detached from the CLI, one per running cluster: it starts the
// control-plane components, restarts any that exit, and stops them all on SIGTERM.
// It keeps status.json current so `kubelab status` can report restarts and pids.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitHealthy, type HealthCheck } from './health.ts';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** Written to logs/<name>.log. */
  log: string;
  /**
   * Started only once this answers (the API server's /readyz for its clients): client-go
   * backs off for seconds after refused connections, so a client started too early would
   * sit idle well after the API server is up.
   */
  startAfter?: HealthCheck;
}

export interface ComponentState {
  name: string;
  pid: number | null;
  state: 'starting' | 'running' | 'backoff' | 'stopped';
  restarts: number;
  lastExit: string | null;
  log: string;
}

export interface SupervisorStatus {
  pid: number;
  startedAt: string;
  stopping: boolean;
  components: ComponentState[];
}

export const STOP_GRACE_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;

export function supervise(dir: string, specs: ComponentSpec[]): void {
  const states = new Map<string, ComponentState>();
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const startedAt = new Date().toISOString();

  const writeStatus = () => {
    const status: SupervisorStatus = { pid: process.pid, startedAt, stopping, components: [...states.values()] };
    const tmp = join(dir, 'status.json.tmp');
    writeFileSync(tmp, JSON.stringify(status, null, 2));
    renameSync(tmp, join(dir, 'status.json'));
  };

  const start = (spec: ComponentSpec, backoff: number) => {
    const state = states.get(spec.name)!;
    const out = openSync(spec.log, 'a');
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', out, out], cwd: dir });
    closeSync(out);
    children.set(spec.name, child);
    const began = Date.now();
    Object.assign(state, { pid: child.pid ?? null, state: 'running' });
    writeStatus();
    child.on('error', (error) => {
      state.lastExit = `spawn error: ${error.message}`;
    });
    child.on('exit', (code, signal) => {
      children.delete(spec.name);
      state.pid = null;
      state.lastExit = signal ? `signal ${signal}` : `exit code ${code}`;
      if (stopping) {
        state.state = 'stopped';
        writeStatus();
        return;
      }
      // A component that ran for a while before failing restarts at once; a crash loop backs off.
      const next = Date.now() - began > 30_000 ? 250 : Math.min(backoff * 2, MAX_BACKOFF_MS);
      state.restarts += 1;
      state.state = 'backoff';
      writeStatus();
      setTimeout(() => !stopping && start(spec, next), next);
    });
  };

  const stopOne = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    writeStatus();
    // One at a time in reverse order: the API server's clients first, etcd last, so
    // that each can shut down cleanly while what it depends on still answers.
    for (const spec of [...specs].reverse()) {
      const child = children.get(spec.name);
      if (child) await stopOne(child);
    }
    rmSync(join(dir, 'supervisor.pid'), { force: true });
    writeStatus();
    process.exit(0);
  };

  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {});
  writeFileSync(join(dir, 'supervisor.pid'), String(process.pid));
  for (const spec of specs) {
    states.set(spec.name, { name: spec.name, pid: null, state: 'starting', restarts: 0, lastExit: null, log: spec.log });
  }
  for (const spec of specs) {
    if (!spec.startAfter) start(spec, 125);
    else void waitHealthy(spec.startAfter, Date.now() + 120_000, 25).then(() => !stopping && start(spec, 125));
  }
}

// Run as a program: node supervisor.ts <cluster dir>
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: supervisor.ts <cluster dir>');
    process.exit(2);
  }
  const specs = JSON.parse(readFileSync(join(dir, 'components.json'), 'utf8')) as ComponentSpec[];
  supervise(dir, specs);
}
