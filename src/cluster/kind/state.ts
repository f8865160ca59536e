// What kubelab records about the kind clusters it creates: `delete` refuses any kind cluster
// without such a record, so kubelab never removes a cluster someone else made.
import { join } from 'node:path';
import { stateDir } from '../../paths.ts';
import { UserError } from '../../errors.ts';
import { recordStore, type ClusterRecord } from '../records.ts';
import { containerNames, containerOf as containerIn } from './names.ts';

export const MARKER = 'kubelab-kind.json';

export interface KindRecord extends ClusterRecord {
  provider: 'kind';
  image: string;
  kindVersion: string;
  /** Each node's container: kind's names at create, kubelab's for nodes joined later. */
  containers?: Record<string, string>;
  /** False while `kind create cluster` runs; a record left so is from an interrupted create. */
  created: boolean;
}

/** kind clusters live apart from local ones (clusters/<name>), so neither provider mistakes the other's state for its own. */
function kindRoot(): string {
  return join(stateDir(), 'kind');
}

export function paths(name: string) {
  const dir = join(kindRoot(), name);
  return {
    dir,
    marker: join(dir, MARKER),
    config: join(dir, 'kind-config.yaml'),
    /** One kubeadm patches directory per node, mounted into its container. */
    patches: join(dir, 'patches'),
    /** kind writes the cluster's context (kind-<name>) here, and only here. */
    kubeconfig: join(dir, 'kubeconfig.yaml'),
  };
}

/** kind's own context name. */
export function contextName(name: string): string {
  return `kind-${name}`;
}

export const records = recordStore<KindRecord>(
  kindRoot,
  MARKER,
  'kind',
  (r) => typeof r.image === 'string' && typeof r.created === 'boolean',
);
export const readRecord = (name: string) => records.read(name);
export const writeRecord = (record: KindRecord) => records.write(record);
export const listRecords = () => records.list();

export function requireRecord(name: string): KindRecord {
  const record = readRecord(name);
  if (!record) throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  return record;
}

export async function updateRecord(name: string, change: (record: KindRecord) => KindRecord): Promise<void> {
  requireRecord(name);
  await records.update(name, change);
}

export function containerOf(record: KindRecord, node: string): string {
  return containerIn(record.shape, node, record.containers);
}

export function controlPlaneContainer(record: KindRecord): string {
  return containerOf(record, record.shape.nodes.find((n) => n.role === 'control-plane')!.name);
}

/** A container name for a joining node, in kind's scheme (<cluster>-worker<N>), not yet taken. */
export function newContainerName(record: KindRecord): string {
  const taken = new Set(Object.values(record.containers ?? Object.fromEntries(containerNames(record.shape))));
  let n = 2;
  while (taken.has(`${record.shape.name}-worker${n}`)) n++;
  return `${record.shape.name}-worker${n}`;
}
