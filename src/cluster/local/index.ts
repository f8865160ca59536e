import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { $ } from '../../shell.ts';
import { ensureBinaries, versions, type Binaries } from '../../binaries/index.ts';
import { UserError } from '../../errors.ts';
import type { Progress } from '../../progress.ts';
import { clients, loadKubeConfig, messageOf, statusOf } from '../../kube/client.ts';
import { isReady, kwokNode } from '../nodes.ts';
import type { ClusterAccess, ClusterStatus, ComponentHealth, JoinRequest, JoinResult, Provider } from '../provider.ts';
import { joinNode } from '../../join/index.ts';
import { forgetNode } from '../../join/record.ts';
import { validateShape, type ClusterShape } from '../shape.ts';
import { componentNames, healthChecks, specsFromManifests } from './components.ts';
import { probe, waitHealthy } from './health.ts';
import { allocatePorts, checkPortsFree } from './ports.ts';
import { contextName, listClusters, paths, readRecord, writeRecord, type ClusterRecord } from './state.ts';
import type { SupervisorStatus } from './supervisor.ts';
import { kubeadmConfig } from './kubeadm-config.ts';
import { waitForCluster } from '../wait.ts';
import { nodeSummaries } from '../existing/api.ts';

const supervisorScript = fileURLToPath(new URL('./supervisor.ts', import.meta.url));

export interface LocalOptions {
  /** How long `up` waits for the cluster to be ready, counted from when its components start. */
  timeoutMs?: number;
  /** Where the upstream binaries come from (a build on first use); ensureBinaries unless a test swaps it. */
  binaries?: (progress: Progress) => Promise<Binaries>;
}

/** A real control plane as local processes, with kwok playing the kubelets. */
export class LocalProvider implements Provider {
  readonly name = 'local' as const;
  readonly timeoutMs: number;
  private readonly binaries: (progress: Progress) => Promise<Binaries>;

  constructor(options: LocalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.binaries = options.binaries ?? ensureBinaries;
  }

  async up(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    const binaries = await this.binaries(progress);
    const wasRunning = supervisorRunning(shape.name);
    try {
      return await this.upOrResume(shape, binaries, progress);
    } catch (error) {
      // Leave no half-started processes behind; the state directory stays for a retry or for `kubelab delete`.
      const pid = supervisorPid(shape.name);
      if (pid !== undefined && !wasRunning) await stopSupervisor(pid);
      throw error;
    }
  }

  private async upOrResume(shape: ClusterShape, binaries: Binaries, progress: Progress): Promise<ClusterAccess> {
    let record = readRecord(shape.name);
    if (record) {
      if (JSON.stringify(record.shape) !== JSON.stringify(shape)) {
        throw new UserError(`cluster "${shape.name}" already exists with another shape (nodes ${record.shape.nodes.map((n) => n.name).join(',')})`, {
          fix: `run kubelab up --name ${shape.name} without shape flags to resume it, or kubelab delete --name ${shape.name} first`,
        });
      }
      if (!supervisorRunning(shape.name)) {
        progress.step(`resuming cluster "${shape.name}"`);
        await checkPortsFree(record.ports);
        await startSupervisor(shape.name);
      }
    } else {
      record = await this.create(shape, binaries, progress);
    }
    // Counted from here, not from the call: a first build of the binaries takes many minutes,
    // and the wait must still get its whole time once the components run.
    const deadline = Date.now() + this.timeoutMs;
    await waitApiServer(record, deadline);
    if (!record.bootstrapped) {
      progress.step('registering nodes; kubeadm init phase upload-config, bootstrap-token, addon coredns and kube-proxy');
      await bootstrap(record, binaries);
      record.bootstrapped = true;
      await writeRecord(record);
    }
    progress.step('waiting for nodes Ready and kube-system pods Running');
    await waitForCluster(this.access(shape.name), shape.nodes.map((n) => n.name), deadline, progress);
    return this.access(shape.name);
  }

  private async create(shape: ClusterShape, binaries: Binaries, progress: Progress): Promise<ClusterRecord> {
    const p = paths(shape.name);
    if (existsSync(p.dir) && (await readdir(p.dir)).length > 0) {
      throw new UserError(`${p.dir} exists but kubelab did not create it`, { fix: 'move it away or choose another --name' });
    }
    progress.step(`creating cluster "${shape.name}" (Kubernetes ${versions.kubernetes}, nodes ${shape.nodes.map((n) => n.name).join(', ')})`);
    await mkdir(p.logs, { recursive: true });
    const record: ClusterRecord = {
      createdBy: 'kubelab',
      provider: 'local',
      kubernetesVersion: versions.kubernetes,
      createdAt: new Date().toISOString(),
      shape,
      ports: await allocatePorts(),
      bootstrapped: false,
    };
    await writeRecord(record);
    const token = `${randomToken(6)}.${randomToken(16)}`;
    await writeFile(p.kubeadmConfig, kubeadmConfig({ shape, ports: record.ports, dir: p.dir, token }));
    const kubeadm = binaries.path('kubeadm');
    const config = ['--config', p.kubeadmConfig];
    progress.step('kubeadm init phase certs all, kubeconfig all, etcd local, control-plane all');
    await run($`${kubeadm} init phase certs all ${config}`, 'kubeadm init phase certs all');
    await mkdir(p.manifests, { recursive: true });
    const dryRun = $({ env: { ...process.env, KUBEADM_INIT_DRYRUN_DIR: p.manifests } });
    await Promise.all([
      run($`${kubeadm} init phase kubeconfig all ${config} --kubeconfig-dir ${p.kubeconfigDir}`, 'kubeadm init phase kubeconfig all'),
      run(dryRun`${kubeadm} init phase etcd local ${config} --dry-run`, 'kubeadm init phase etcd local'),
      run(dryRun`${kubeadm} init phase control-plane all ${config} --dry-run`, 'kubeadm init phase control-plane all'),
    ]);
    await pinKubeconfigsToLoopback(p.kubeconfigDir, record.ports.apiserver);
    await writeFile(p.kubeconfig, learnerKubeconfig(await readFile(p.admin, 'utf8'), contextName(shape.name)));
    const specs = await specsFromManifests(shape.name, shape, record.ports, binaries);
    await writeFile(p.components, JSON.stringify(specs, null, 2));
    progress.step('starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok');
    await startSupervisor(shape.name);
    return record;
  }

  async reshape(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    const record = requireRecord(shape.name);
    const fixed = (s: ClusterShape) => JSON.stringify([s.podSubnet, s.serviceSubnet, s.advertiseAddress]);
    if (fixed(record.shape) !== fixed(shape)) {
      throw new UserError(`cluster "${shape.name}" has other CIDRs or advertise address than this lab needs`, { fix: `kubelab delete --name ${shape.name}, or choose another --name` });
    }
    if (!supervisorRunning(shape.name)) await this.up(record.shape, progress);
    if (JSON.stringify(record.shape.nodes) !== JSON.stringify(shape.nodes)) {
      progress.step(`reshaping cluster "${shape.name}" to nodes ${shape.nodes.map((n) => `${n.name}(${n.maxPods})`).join(', ')}`);
      const { core } = clients(loadKubeConfig(this.access(shape.name).kubeconfig));
      const existing = (await core.listNode()).items.map((n) => n.metadata!.name!);
      for (const name of existing.filter((n) => !shape.nodes.some((s) => s.name === n))) await core.deleteNode({ name });
      for (const node of shape.nodes) {
        if (!existing.includes(node.name)) await core.createNode({ body: kwokNode(node) });
        else await this.setMaxPods(shape.name, node.name, node.maxPods);
      }
      record.shape = shape;
      await writeRecord(record);
    }
    await waitForCluster(this.access(shape.name), shape.nodes.map((n) => n.name), Date.now() + this.timeoutMs, progress);
    return this.access(shape.name);
  }

  async setMaxPods(name: string, node: string, maxPods: number): Promise<void> {
    const record = requireRecord(name);
    const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
    // kwok plays the kubelet, so kubelab reports the capacity a kubelet started with --max-pods would.
    const pods = String(maxPods);
    await core.patchNodeStatus(
      { name: node, body: { status: { capacity: { pods }, allocatable: { pods } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const index = record.shape.nodes.findIndex((n) => n.name === node);
    if (index >= 0) {
      record.shape.nodes[index] = { ...record.shape.nodes[index]!, maxPods };
      await writeRecord(record);
    }
  }

  async rebuildNode(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const shape = record.shape.nodes.find((n) => n.name === node);
    if (!shape) {
      throw new UserError(`cluster "${name}" has no node "${node}"`, { fix: `its nodes are ${record.shape.nodes.map((n) => n.name).join(', ')}` });
    }
    if (!supervisorRunning(name)) throw new UserError(`cluster "${name}" is not running`, { fix: `start it with: kubelab up --name ${name}` });
    const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
    try {
      // A rebuilt machine registers the same Node a fresh kubelet would: kwok plays that kubelet.
      await core.createNode({ body: kwokNode(shape) });
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new UserError(`node "${node}" is still registered, and kubeadm join refuses a name that is in use`, { fix: `remove it first: kubectl delete node ${node}` });
      }
      throw new UserError(`cannot register node ${node}: ${messageOf(error)}`);
    }
    const deadline = Date.now() + 30_000;
    while (!isReady(await core.readNode({ name: node }))) {
      if (Date.now() > deadline) throw new UserError(`node "${node}" registered but did not become Ready in 30 s`, { fix: `see ${join(paths(name).logs, 'kwok.log')}` });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** kubeadm join's discovery and TLS bootstrap, for real; kwok then plays the new node's kubelet. */
  async joinNode(name: string, request: JoinRequest): Promise<JoinResult> {
    const result = await joinNode({ cluster: name, ...request });
    return { node: result.node, detail: `its client certificate came from CSR ${result.csrName}; kwok plays its kubelet, with its kubelet.conf in ${result.kubeletConf}` };
  }

  async removeNode(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    if (record.shape.nodes.find((n) => n.name === node)?.role === 'control-plane') throw new UserError(`${node} is the control plane and cannot be removed`);
    const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
    await core.deleteNode({ name: node }).catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    await forgetNode(name, node);
  }

  async down(name: string, progress: Progress): Promise<void> {
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

  async delete(name: string, progress: Progress): Promise<void> {
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

  async list(): Promise<string[]> {
    return listClusters();
  }

  shapeOf(name: string): ClusterShape | undefined {
    return readRecord(name)?.shape;
  }

  access(name: string): ClusterAccess {
    return { name, kubeconfig: paths(name).kubeconfig, context: contextName(name) };
  }

  async status(name: string): Promise<ClusterStatus> {
    const record = requireRecord(name);
    const access = this.access(name);
    const supervisor = readSupervisorStatus(name);
    const running = supervisorPid(name) !== undefined;
    const checks = healthChecks(name, record.ports);
    const components: ComponentHealth[] = await Promise.all(
      componentNames.map(async (component) => {
        const state = supervisor?.components.find((c) => c.name === component);
        const [healthy, detail] = running ? await probe(checks[component], 1000) : [false, 'stopped'];
        return { name: component, healthy, detail, pid: state?.pid ?? null, restarts: state?.restarts ?? 0, log: join(paths(name).logs, `${component}.log`) };
      }),
    );
    let nodes: ClusterStatus['nodes'] = [];
    if (components.find((c) => c.name === 'kube-apiserver')?.healthy) {
      nodes = await nodeSummaries(loadKubeConfig(access.kubeconfig));
    }
    return { name, provider: 'local', reason: '', running, context: access.context, kubeconfig: access.kubeconfig, components, nodes };
  }
}

function randomToken(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

async function run(command: Promise<unknown>, what: string): Promise<void> {
  try {
    await command;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const line = stderr.trim().split('\n').filter((l) => !l.startsWith('To see the stack trace')).pop() ?? '';
    throw new UserError(`${what} failed: ${line}`);
  }
}

/**
 * kubeadm points the kubeconfigs of node-local components (controller-manager.conf,
 * scheduler.conf, kubelet.conf) at the advertise address, which on a lab cluster is an
 * address from the notes that no interface here holds. Every client must reach the API
 * server on loopback, where it listens, and must never dial an address off this machine.
 */
export async function pinKubeconfigsToLoopback(dir: string, port: number): Promise<void> {
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.conf')) continue;
    const config = parse(await readFile(join(dir, file), 'utf8')) as { clusters: { cluster: { server: string } }[] };
    for (const entry of config.clusters) entry.cluster.server = `https://127.0.0.1:${port}`;
    await writeFile(join(dir, file), stringify(config), { mode: 0o600 });
  }
}

/** admin.conf with the context renamed, as kind names its contexts kind-<name>. */
export function learnerKubeconfig(adminConf: string, context: string): string {
  const config = parse(adminConf) as { contexts: { name: string }[]; 'current-context': string };
  for (const entry of config.contexts) entry.name = context;
  config['current-context'] = context;
  return stringify(config);
}

function requireRecord(name: string): ClusterRecord {
  const record = readRecord(name);
  if (!record) {
    const dir = paths(name).dir;
    if (existsSync(dir)) throw new UserError(`refusing to touch ${dir}: kubelab did not create it (it has no kubelab-cluster.json)`);
    throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  }
  return record;
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

function supervisorPid(name: string): number | undefined {
  const file = paths(name).supervisorPid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pid > 0 && alive(pid) && isOurs(pid, name, 'supervisor.ts') ? pid : undefined;
}

function supervisorRunning(name: string): boolean {
  return supervisorPid(name) !== undefined;
}

function readSupervisorStatus(name: string): SupervisorStatus | undefined {
  try {
    return JSON.parse(readFileSync(paths(name).status, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

async function startSupervisor(name: string): Promise<void> {
  const p = paths(name);
  await rm(p.status, { force: true });
  const log = openSync(p.supervisorLog, 'a');
  const child = spawn(process.execPath, [supervisorScript, p.dir], { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  const deadline = Date.now() + 10_000;
  while (!existsSync(p.supervisorPid)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new UserError(`the component supervisor did not start`, { fix: `see ${p.supervisorLog}` });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopSupervisor(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
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

/**
 * Components the supervisor recorded that still run (the supervisor itself was killed,
 * say): each is stopped, if its command line still names this cluster's directory.
 */
async function killStrays(name: string): Promise<void> {
  const dir = paths(name).dir;
  const killed: number[] = [];
  for (const component of readSupervisorStatus(name)?.components ?? []) {
    if (!component.pid || !alive(component.pid)) continue;
    if (!isOurs(component.pid, name)) continue;
    try {
      process.kill(component.pid, 'SIGKILL');
      killed.push(component.pid);
    } catch {
      // it ended just now
    }
  }
  const deadline = Date.now() + 5000;
  while (killed.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Waits for /readyz; when a component keeps failing, names it and its log. */
async function waitApiServer(record: ClusterRecord, deadline: number): Promise<void> {
  const name = record.shape.name;
  const check = healthChecks(name, record.ports)['kube-apiserver'];
  while (Date.now() < deadline) {
    const [ok] = await waitHealthy(check, Math.min(deadline, Date.now() + 1000));
    if (ok) return;
    const failing = readSupervisorStatus(name)?.components.find((c) => c.restarts >= 2);
    if (failing) {
      throw new UserError(`${failing.name} exits at start (${failing.lastExit}): ${lastLogLine(failing.log)}`, { fix: `log: ${failing.log}` });
    }
  }
  throw new UserError(`kube-apiserver of cluster "${name}" did not become ready`, { fix: `log: ${join(paths(name).logs, 'kube-apiserver.log')}` });
}

function lastLogLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.filter((l) => /error|fatal|fail/i.test(l)).pop() ?? lines.pop() ?? '';
  } catch {
    return 'no log';
  }
}

/**
 * admin.conf authenticates as group kubeadm:cluster-admins, which holds no rights until
 * this binding exists; kubeadm init creates it with super-admin.conf, and so do we.
 */
async function ensureClusterAdminsBinding(rbac: RbacAuthorizationV1Api): Promise<void> {
  try {
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'kubeadm:cluster-admins' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
      },
    });
  } catch (error) {
    if (statusOf(error) !== 409) throw new UserError(`cannot create ClusterRoleBinding kubeadm:cluster-admins: ${messageOf(error)}`);
  }
}

/** What kubeadm init does once the API server answers, for nodes that kwok plays. */
async function bootstrap(record: ClusterRecord, binaries: Binaries): Promise<void> {
  const p = paths(record.shape.name);
  const superAdmin = join(p.kubeconfigDir, 'super-admin.conf');
  const kc = loadKubeConfig(superAdmin);
  const { core } = clients(kc);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await Promise.all(
    record.shape.nodes.map(async (node) => {
      try {
        await core.createNode({ body: kwokNode(node) });
      } catch (error) {
        if (statusOf(error) !== 409) throw new UserError(`cannot register node ${node.name}: ${messageOf(error)}`);
      }
    }),
  );
  await ensureClusterAdminsBinding(rbac);
  const kubeadm = binaries.path('kubeadm');
  const args = ['--config', p.kubeadmConfig, '--kubeconfig', superAdmin];
  await Promise.all([
    run($`${kubeadm} init phase upload-config all ${args}`, 'kubeadm init phase upload-config all'),
    run($`${kubeadm} init phase bootstrap-token ${args}`, 'kubeadm init phase bootstrap-token'),
    run($`${kubeadm} init phase addon all ${args}`, 'kubeadm init phase addon all'),
  ]);
}
