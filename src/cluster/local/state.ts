import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { clusterDir, stateDir } from '../../paths.ts';
import type { ClusterShape } from '../shape.ts';
import type { Ports } from './ports.ts';

/** The marker kubelab writes into every cluster directory it creates; delete refuses a directory without it. */
export const MARKER = 'kubelab-cluster.json';

export interface ClusterRecord {
  createdBy: 'kubelab';
  provider: 'local';
  kubernetesVersion: string;
  createdAt: string;
  shape: ClusterShape;
  ports: Ports;
  /** Set once the first `up` finished bootstrapping (nodes, kubeadm phases). */
  bootstrapped: boolean;
}

export function paths(name: string) {
  const dir = clusterDir(name);
  return {
    dir,
    marker: join(dir, MARKER),
    kubeadmConfig: join(dir, 'kubeadm.yaml'),
    pki: join(dir, 'pki'),
    kubeconfigDir: join(dir, 'kubeconfig'),
    admin: join(dir, 'kubeconfig', 'admin.conf'),
    /** The learner's kubeconfig: admin credentials under the context kubelab-<name>. */
    kubeconfig: join(dir, 'kubeconfig.yaml'),
    manifests: join(dir, 'manifests'),
    logs: join(dir, 'logs'),
    components: join(dir, 'components.json'),
    status: join(dir, 'status.json'),
    supervisorPid: join(dir, 'supervisor.pid'),
    supervisorLog: join(dir, 'logs', 'supervisor.log'),
  };
}

export function contextName(name: string): string {
  return `kubelab-${name}`;
}

export function readRecord(name: string): ClusterRecord | undefined {
  const file = paths(name).marker;
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as ClusterRecord;
    if (record.createdBy !== 'kubelab') return undefined;
    if (!record.shape?.nodes?.length || typeof record.ports?.apiserver !== 'number' || typeof record.ports?.etcdMetrics !== 'number') throw new Error('incomplete');
    return record;
  } catch {
    throw new UserError(`${file} is damaged`, { fix: `delete the cluster with: kubelab delete --name ${name}` });
  }
}

export async function writeRecord(record: ClusterRecord): Promise<void> {
  await writeFile(paths(record.shape.name).marker, JSON.stringify(record, null, 2));
}

export async function listClusters(): Promise<string[]> {
  const root = join(stateDir(), 'clusters');
  if (!existsSync(root)) return [];
  const names = await readdir(root);
  return names.filter((name) => existsSync(join(root, name, MARKER))).sort();
}
