// What kubelab records about the kind clusters it creates: `delete` refuses any kind cluster
// without such a record, so kubelab never removes a cluster someone else made.
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { stateDir } from '../../paths.ts';
import type { ClusterShape } from '../shape.ts';

export const MARKER = 'kubelab-kind.json';

export interface KindRecord {
  createdBy: 'kubelab';
  provider: 'kind';
  image: string;
  kindVersion: string;
  createdAt: string;
  shape: ClusterShape;
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

export function readRecord(name: string): KindRecord | undefined {
  const file = paths(name).marker;
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as KindRecord;
    return record.createdBy === 'kubelab' && record.provider === 'kind' ? record : undefined;
  } catch {
    throw new UserError(`${file} is damaged`, { fix: `remove it, then delete the cluster with: kind delete cluster --name ${name}` });
  }
}

export async function writeRecord(record: KindRecord): Promise<void> {
  await writeFile(paths(record.shape.name).marker, JSON.stringify(record, null, 2));
}

export async function listRecords(): Promise<string[]> {
  if (!existsSync(kindRoot())) return [];
  const names = await readdir(kindRoot());
  return names.filter((name) => readRecord(name) !== undefined).sort();
}
