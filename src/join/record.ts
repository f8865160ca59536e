// What a joined node leaves in the cluster's state directory: its kubelet.conf, and its
// place in the cluster's recorded shape so that `kubelab down` and `up` keep it.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { contextName, listClusters, paths, readRecord, writeRecord, type ClusterRecord } from '../cluster/local/state.ts';
import type { NodeShape } from '../cluster/shape.ts';
import { UserError } from '../errors.ts';

export function nodeDir(cluster: string, node: string): string {
  return join(paths(cluster).dir, 'nodes', node);
}

export function requireCluster(cluster: string): ClusterRecord {
  const record = readRecord(cluster);
  if (!record) throw new UserError(`no cluster named "${cluster}"`, { fix: `create it with: kubelab up --name ${cluster}` });
  return record;
}

/** The kubeconfig a kubelet keeps after TLS bootstrap: the cluster CA and its own client certificate. */
export function kubeletConf(server: string, caPem: string, node: string, certPem: string, keyPem: string): string {
  const user = `system:node:${node}`;
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
    contexts: [{ name: `${user}@kubernetes`, context: { cluster: 'kubernetes', user } }],
    'current-context': `${user}@kubernetes`,
  });
}

export async function writeKubeletConf(cluster: string, node: string, text: string): Promise<string> {
  const dir = nodeDir(cluster, node);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'kubelet.conf');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

export async function recordNode(cluster: string, node: NodeShape): Promise<void> {
  const record = requireCluster(cluster);
  record.shape.nodes = [...record.shape.nodes.filter((n) => n.name !== node.name), node];
  await writeRecord(record);
}

export async function forgetNode(cluster: string, node: string): Promise<void> {
  const record = readRecord(cluster);
  if (record && record.shape.nodes.some((n) => n.name === node)) {
    record.shape.nodes = record.shape.nodes.filter((n) => n.name !== node);
    await writeRecord(record);
  }
  await rm(nodeDir(cluster, node), { recursive: true, force: true });
}

/** The kubelab cluster a kubeconfig context belongs to (contexts are named kubelab-<cluster>). */
export async function clusterOfContext(context: string): Promise<string> {
  const cluster = (await listClusters()).find((name) => contextName(name) === context);
  if (!cluster) throw new UserError(`context "${context}" is not a cluster of kubelab’s local provider, where kwok plays the kubelet of a joined node`, { fix: 'use kubelab start kubeadm-init --provider local' });
  return cluster;
}
