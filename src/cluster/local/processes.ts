// The local cluster's processes: the supervisor that runs its components, found by pid file and
// signalled only when its command line names the cluster's directory.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.ts';
import { pollUntil } from '../../poll.ts';
import { componentNames, healthChecks } from './components.ts';
import { waitHealthy } from './health.ts';
import { paths, type LocalRecord } from './state.ts';

const supervisorScript = fileURLToPath(new URL('./supervisor.sh', import.meta.url));

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed process whose parent is gone lingers as a zombie until init reaps it.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * A stale pid file (after a reboot, say) may name someone else's process: only one whose
 * command line names this cluster's directory (and `what`) is ours to signal.
 */
function isOurs(pid: number, name: string, what = ''): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(paths(name).dir) && cmdline.includes(what);
  } catch {
    return process.platform !== 'linux'; // no /proc to ask
  }
}

export function supervisorPid(name: string): number | undefined {
  const file = paths(name).supervisorPid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pid > 0 && alive(pid) && isOurs(pid, name, 'supervisor.sh') ? pid : undefined;
}

export function supervisorRunning(name: string): boolean {
  return supervisorPid(name) !== undefined;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** What supervisor.sh last recorded: its own file and one per component it has started. */
export function readSupervisorStatus(name: string): SupervisorStatus | undefined {
  const dir = paths(name).status;
  const supervisor = readJson<Omit<SupervisorStatus, 'components'>>(join(dir, 'supervisor.json'));
  if (!supervisor) return undefined;
  const components = componentNames.flatMap((c) => readJson<ComponentState>(join(dir, `${c}.json`)) ?? []);
  return { ...supervisor, components };
}

export async function startSupervisor(name: string): Promise<void> {
  const p = paths(name);
  await rm(p.status, { recursive: true, force: true });
  const log = openSync(p.supervisorLog, 'a');
  const child = spawn('bash', [supervisorScript, p.dir], { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  await pollUntil<true>(
    async () => {
      if (child.exitCode !== null)
        throw new UserError(`the component supervisor exited (${child.exitCode})`, { fix: `see ${p.supervisorLog}` });
      return existsSync(p.supervisorPid) ? { value: true } : { state: 'no pid file yet' };
    },
    { timeoutMs: 10_000, intervalMs: 20, describe: 'the component supervisor to start', fix: `see ${p.supervisorLog}` },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stopSupervisor(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    // The supervisor is its process group's leader: take its components down with it.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // it ended just now
    }
  }
}

/**
 * Components the supervisor recorded that still run (the supervisor itself was killed,
 * say): each is stopped, if its command line still names this cluster's directory.
 */
export async function killStrays(name: string): Promise<void> {
  const status = readSupervisorStatus(name);
  // Judged before any signal: a dying process's command line reads empty, and it would no longer
  // look like ours while it exits.
  const ours = (status?.components ?? []).flatMap((c) => (c.pid && alive(c.pid) && isOurs(c.pid, name) ? [c.pid] : []));
  // The supervisor's loops outlive a killed supervisor in its process group: end the group, once
  // a component of ours shows the group is still the supervisor's (a group id is not reused while
  // any member lives).
  if (status && ours.some((pid) => processGroup(pid) === status.pid)) {
    try {
      process.kill(-status.pid, 'SIGKILL');
    } catch {
      // the group ended just now
    }
  }
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it ended just now
    }
  }
  const deadline = Date.now() + 5000;
  while (ours.some(alive) && Date.now() < deadline) await sleep(20);
}

function processGroup(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: pid (comm) state ppid pgrp …; comm may hold spaces, so read after its ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    return Number(fields?.[2]);
  } catch {
    return undefined;
  }
}

function lastLogLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.filter((l) => /error|fatal|fail/i.test(l)).pop() ?? lines.pop() ?? '';
  } catch {
    return 'no log';
  }
}

/** Waits for /readyz; when a component keeps failing, names it and its log. */
export async function waitApiServer(record: LocalRecord, deadline: number): Promise<void> {
  const name = record.shape.name;
  const check = healthChecks(name, record.ports)['kube-apiserver'];
  while (Date.now() < deadline) {
    const [ok] = await waitHealthy(check, Math.min(deadline, Date.now() + 1000));
    if (ok) return;
    const failing = readSupervisorStatus(name)?.components.find((c) => c.restarts >= 2);
    if (failing) {
      throw new UserError(`${failing.name} exits at start (${failing.lastExit}): ${lastLogLine(failing.log)}`, {
        fix: `log: ${failing.log}`,
      });
    }
  }
  throw new UserError(`kube-apiserver of cluster "${name}" did not become ready`, {
    fix: `log: ${join(paths(name).logs, 'kube-apiserver.log')}`,
  });
}

/** Waits until every component answers its health check, so that status right after up shows all of them healthy. */
export async function waitComponents(record: LocalRecord, deadline: number): Promise<void> {
  const name = record.shape.name;
  const checks = Object.entries(healthChecks(name, record.ports));
  const results = await Promise.all(checks.map(async ([component, check]) => [component, await waitHealthy(check, deadline)] as const));
  const failing = results.find(([, [ok]]) => !ok);
  if (failing)
    throw new UserError(`${failing[0]} of cluster "${name}" did not become healthy (${failing[1][1]})`, {
      fix: `log: ${join(paths(name).logs, `${failing[0]}.log`)}`,
    });
}
