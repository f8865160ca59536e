// What kubelab records about each cluster it creates, in that cluster's state directory. Every
// provider keeps its records here: a destructive command finds no record for a cluster kubelab
// did not create, and refuses it.
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { validateShape, type ClusterShape } from './shape.ts';

/** What every record holds; each provider adds its own fields. */
export interface ClusterRecord {
  createdBy: 'kubelab';
  provider: 'local' | 'kind';
  createdAt: string;
  shape: ClusterShape;
}

export interface RecordStore<R extends ClusterRecord> {
  /** The record of cluster `name`, or undefined when kubelab made no such cluster; one line when it is damaged. */
  read(name: string): R | undefined;
  write(record: R): Promise<void>;
  /** Names of the clusters with a record. */
  list(): Promise<string[]>;
  dir(name: string): string;
  file(name: string): string;
}

/**
 * A store of one provider's records, in root/<name>/<marker>. `valid` checks the provider's own
 * fields; the shape is checked as any shape is.
 */
export function recordStore<R extends ClusterRecord>(
  root: () => string,
  marker: string,
  provider: R['provider'],
  valid: (record: R) => boolean,
): RecordStore<R> {
  const dir = (name: string) => join(root(), name);
  const file = (name: string) => join(dir(name), marker);
  return {
    dir,
    file,
    read(name) {
      const path = file(name);
      if (!existsSync(path)) return undefined;
      let record: R;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as R;
      } catch (error) {
        throw new UserError(`${path} is damaged`, { fix: `delete the cluster with: kubelab delete --name ${name}`, cause: error });
      }
      if (record?.createdBy !== 'kubelab' || record.provider !== provider) return undefined;
      try {
        validateShape(record.shape);
        if (!valid(record)) throw new Error(`incomplete ${provider} record`);
      } catch (error) {
        throw new UserError(`${path} is damaged`, { fix: `delete the cluster with: kubelab delete --name ${name}`, cause: error });
      }
      return record;
    },
    async write(record) {
      // Written aside and renamed, so that a crash never leaves half a record.
      const path = file(record.shape.name);
      await writeFile(`${path}.tmp`, JSON.stringify(record, null, 2));
      await rename(`${path}.tmp`, path);
    },
    async list() {
      if (!existsSync(root())) return [];
      const names = await readdir(root());
      return names.filter((name) => existsSync(file(name))).sort();
    },
  };
}
