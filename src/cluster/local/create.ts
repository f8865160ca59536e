// A new local cluster's state, made by kubeadm's own phases: the PKI, the kubeconfigs and the
// static-pod manifests, whose command lines the supervisor then runs as local processes.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { versions, type Binaries } from '../../binaries/index.ts';
import { UserError } from '../../errors.ts';
import { exec } from '../../exec.ts';
import type { Progress } from '../../progress.ts';
import type { ClusterShape } from '../shape.ts';
import { kubeadmConfig } from './kubeadm-config.ts';
import { allocatePorts } from './ports.ts';
import { contextName, paths, writeRecord, type LocalRecord } from './state.ts';

function randomToken(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
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

/** Records the cluster, then runs kubeadm's phases into its state directory; returns the record. */
export async function createState(shape: ClusterShape, binaries: Binaries, progress: Progress): Promise<LocalRecord> {
  const p = paths(shape.name);
  if (existsSync(p.dir) && (await readdir(p.dir)).length > 0) {
    throw new UserError(`${p.dir} exists but kubelab did not create it`, { fix: 'move it away or choose another --name' });
  }
  progress.step(`creating cluster "${shape.name}" (Kubernetes ${versions.kubernetes}, nodes ${shape.nodes.map((n) => n.name).join(', ')})`);
  await mkdir(p.logs, { recursive: true });
  const record: LocalRecord = {
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
  await exec('kubeadm init phase certs all', kubeadm, ['init', 'phase', 'certs', 'all', ...config]);
  progress.mark?.('kubeadm init phase certs all finished');
  await mkdir(p.manifests, { recursive: true });
  // The manifests go to the cluster's directory, not /etc/kubernetes/manifests.
  const dryRun = { env: { ...process.env, KUBEADM_INIT_DRYRUN_DIR: p.manifests } };
  await Promise.all([
    exec('kubeadm init phase kubeconfig all', kubeadm, [
      'init',
      'phase',
      'kubeconfig',
      'all',
      ...config,
      '--kubeconfig-dir',
      p.kubeconfigDir,
    ]),
    exec('kubeadm init phase etcd local', kubeadm, ['init', 'phase', 'etcd', 'local', ...config, '--dry-run'], dryRun),
    exec('kubeadm init phase control-plane all', kubeadm, ['init', 'phase', 'control-plane', 'all', ...config, '--dry-run'], dryRun),
  ]);
  progress.mark?.('kubeadm init phase kubeconfig all, etcd local, control-plane all finished');
  await pinKubeconfigsToLoopback(p.kubeconfigDir, record.ports.apiserver);
  await writeFile(p.kubeconfig, learnerKubeconfig(await readFile(p.admin, 'utf8'), contextName(shape.name)));
  return record;
}
