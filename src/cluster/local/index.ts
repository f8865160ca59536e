// The local provider: a real control plane (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) as supervised processes on loopback, made by kubeadm's own phases, with kwok
// playing the kubelets.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBinaries, type Binaries } from '../../binaries/index.ts';
import { UserError } from '../../errors.ts';
import { loadKubeConfig } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { nodeSummaries } from '../api.ts';
import type { ClusterAccess, ClusterStatus, ComponentHealth, NodeCapability, Provider } from '../provider.ts';
import type { ClusterShape } from '../shape.ts';
import { bootstrap } from './bootstrap.ts';
import { componentNames, healthChecks, writeComponents } from './components.ts';
import { createState } from './create.ts';
import { probe, waitHealthy } from './health.ts';
import { LocalNodes } from './nodes.ts';
import { checkPortsFree } from './ports.ts';
import {
  killStrays,
  readSupervisorStatus,
  startSupervisor,
  stopSupervisor,
  supervisorPid,
  supervisorRunning,
  waitApiServer,
  waitComponents,
} from './processes.ts';
import { contextName, listClusters, paths, readRecord, updateRecord, type LocalRecord } from './state.ts';

export interface LocalOptions {
  /** How long the API server may take to answer once its components start. */
  timeoutMs?: number;
  /** Where the upstream binaries come from (a build on first use); ensureBinaries unless a test swaps it. */
  binaries?: (progress: Progress) => Promise<Binaries>;
}

/** For --trace: marks each component as it first answers its health check. */
async function traceComponents(record: LocalRecord, mark: (event: string) => void): Promise<void> {
  const checks = healthChecks(record.shape.name, record.ports);
  await Promise.all(
    componentNames.map(async (component) => {
      const [healthy] = await waitHealthy(checks[component], Date.now() + 120_000, 20);
      mark(healthy ? `${component} healthy` : `${component} not healthy after 120 s`);
    }),
  );
}

function requireRecord(name: string): LocalRecord {
  const record = readRecord(name);
  if (!record) {
    const dir = paths(name).dir;
    if (existsSync(dir)) throw new UserError(`refusing to touch ${dir}: kubelab did not create it (it has no kubelab-cluster.json)`);
    throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  }
  return record;
}

export class LocalProvider implements Provider {
  readonly name = 'local' as const;
  readonly capabilities: readonly NodeCapability[] = ['join', 'rebuild', 'kubelet-config'];
  readonly nodes = new LocalNodes();
  readonly timeoutMs: number;
  private readonly binaries: (progress: Progress) => Promise<Binaries>;

  constructor(options: LocalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.binaries = options.binaries ?? ensureBinaries;
  }

  shapeOf(name: string): ClusterShape | undefined {
    return readRecord(name)?.shape;
  }

  list(): Promise<string[]> {
    return listClusters();
  }

  access(name: string): ClusterAccess {
    return { name, kubeconfig: paths(name).kubeconfig, context: contextName(name) };
  }

  async provision(shape: ClusterShape, progress: Progress): Promise<void> {
    const binaries = await this.binaries(progress);
    progress.mark?.('binaries ready');
    const record = await createState(shape, binaries, progress);
    await this.run(record, binaries, progress);
  }

  async start(name: string, progress: Progress): Promise<void> {
    const record = requireRecord(name);
    if (supervisorRunning(name) && record.bootstrapped) return;
    await this.run(record, await this.binaries(progress), progress);
  }

  /** Starts the supervisor unless it runs, waits for the API server, and finishes kubeadm's work once. */
  private async run(record: LocalRecord, binaries: Binaries, progress: Progress): Promise<void> {
    const name = record.shape.name;
    const wasRunning = supervisorRunning(name);
    try {
      if (!wasRunning) {
        progress.step(
          record.bootstrapped
            ? `resuming cluster "${name}"`
            : 'starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok',
        );
        await checkPortsFree(record.ports);
        // Rewritten at each start, so a cluster made by an older kubelab runs with this one's binaries and supervisor.
        await writeComponents(name, record.shape, record.ports, binaries);
        await startSupervisor(name);
        progress.mark?.('supervisor started');
        if (progress.mark) void traceComponents(record, progress.mark);
      }
      // Counted from here, not from the call: a first build of the binaries takes many minutes.
      await waitApiServer(record, Date.now() + this.timeoutMs);
      progress.mark?.('kube-apiserver ready (/readyz)');
      if (!record.bootstrapped) {
        progress.step('registering nodes; kubeadm init phase upload-config, bootstrap-token, addon coredns and kube-proxy');
        await bootstrap(record, binaries, progress);
        await updateRecord(name, (current) => ({ ...current, bootstrapped: true }));
      }
      // A resumed cluster's nodes and pods are Ready from before: the controllers may still be starting.
      await waitComponents(record, Date.now() + this.timeoutMs);
      progress.mark?.('every component healthy');
    } catch (error) {
      // Leave no half-started processes behind; the state directory stays for a retry or for `kubelab delete`.
      const pid = supervisorPid(name);
      if (pid !== undefined && !wasRunning) await stopSupervisor(pid);
      throw error;
    }
  }

  async stop(name: string, progress: Progress): Promise<void> {
    requireRecord(name);
    const pid = supervisorPid(name);
    if (pid === undefined) {
      await killStrays(name);
      progress.done(`cluster "${name}" is not running`);
      return;
    }
    progress.step(`stopping cluster "${name}" (state kept in ${paths(name).dir})`);
    await stopSupervisor(pid);
    await killStrays(name);
    progress.done(`stopped cluster "${name}"; kubelab up --name ${name} resumes it`);
  }

  async remove(name: string, progress: Progress): Promise<void> {
    const p = paths(name);
    if (!existsSync(p.dir)) {
      progress.done(`no cluster named "${name}"; nothing to delete`);
      return;
    }
    requireRecord(name);
    const pid = supervisorPid(name);
    if (pid !== undefined) await stopSupervisor(pid);
    await killStrays(name);
    await rm(p.dir, { recursive: true, force: true });
    progress.done(`deleted cluster "${name}"`);
  }

  async status(name: string): Promise<ClusterStatus> {
    const record = requireRecord(name);
    const access = this.access(name);
    const supervisor = readSupervisorStatus(name);
    const running = supervisorRunning(name);
    const checks = healthChecks(name, record.ports);
    const components: ComponentHealth[] = await Promise.all(
      componentNames.map(async (component) => {
        const state = supervisor?.components.find((c) => c.name === component);
        const [healthy, detail] = running ? await probe(checks[component], 1000) : [false, 'stopped'];
        return {
          name: component,
          healthy,
          detail,
          pid: state?.pid ?? null,
          restarts: state?.restarts ?? 0,
          log: join(paths(name).logs, `${component}.log`),
        };
      }),
    );
    const apiUp = components.find((c) => c.name === 'kube-apiserver')?.healthy;
    const nodes = apiUp ? await nodeSummaries(loadKubeConfig(access.kubeconfig)) : [];
    return { name, provider: 'local', reason: '', running, context: access.context, kubeconfig: access.kubeconfig, components, nodes };
  }
}
