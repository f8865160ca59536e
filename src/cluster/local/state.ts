import { join } from 'node:path';
import { clusterDir, stateDir } from '../../paths.ts';
import { recordStore, type ClusterRecord } from '../records.ts';
import type { Ports } from './ports.ts';

/** The marker kubelab writes into every cluster directory it creates; delete refuses a directory without it. */
export const MARKER = 'kubelab-cluster.json';

export interface LocalRecord extends ClusterRecord {
  provider: 'local';
  kubernetesVersion: string;
  ports: Ports;
  /** Set once the first start finished bootstrapping (nodes, kubeadm phases). */
  bootstrapped: boolean;
}

export const records = recordStore<LocalRecord>(
  () => join(stateDir(), 'clusters'),
  MARKER,
  'local',
  (r) => typeof r.ports?.apiserver === 'number' && typeof r.ports?.etcdMetrics === 'number',
);

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
    /** Per node: the kubelet's configuration file (kwok plays the kubelet, and reads it at each restart) and a joined node's kubelet.conf. */
    nodes: join(dir, 'nodes'),
    manifests: join(dir, 'manifests'),
    logs: join(dir, 'logs'),
    /** The components' command lines, for supervisor.sh. */
    components: join(dir, 'components.sh'),
    /** supervisor.json and one <component>.json each, kept current by the supervisor. */
    status: join(dir, 'status.d'),
    supervisorPid: join(dir, 'supervisor.pid'),
    supervisorLog: join(dir, 'logs', 'supervisor.log'),
  };
}

export function contextName(name: string): string {
  return `kubelab-${name}`;
}

export const readRecord = (name: string) => records.read(name);
export const writeRecord = (record: LocalRecord) => records.write(record);
export const updateRecord = (name: string, change: (record: LocalRecord) => LocalRecord) => records.update(name, change);
export const listClusters = () => records.list();
