// What kubelab records about each cluster it creates, in that cluster's state directory. Every
// provider keeps its records here: a destructive command finds no record for a cluster kubelab
// did not create, and refuses it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rmdir, stat, writeFile } from 'node:fs/promises';
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
  /**
   * Reads, changes and writes the record of `name` as one step, so that concurrent changes (five
   * kubelets reconfigured at once, two terminals) each see the others' and none is lost.
   */
  update(name: string, change: (record: R) => R): Promise<R>;
  /** Names of the clusters with a record. */
  list(): Promise<string[]>;
  dir(name: string): string;
  file(name: string): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LOCK_STALE_MS = 10_000;

/** Holds `path`.lock (a directory: mkdir is atomic) while `fn` runs; a lock left by a killed process expires. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + 2 * LOCK_STALE_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rmdir(lock).catch(() => {});
      else if (Date.now() > deadline)
        throw new UserError(`${path} stays locked by another kubelab`, { fix: `remove ${lock} if none runs` });
      else await sleep(10);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => {});
  }
}

/** In this process, one change at a time per file, in call order. */
const queues = new Map<string, Promise<unknown>>();
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    key,
    next.catch(() => {}),
  );
  return next;
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
    write(record) {
      return writeRecordFile(file(record.shape.name), record);
    },
    update(name, change) {
      const path = file(name);
      const missing = () => new UserError(`no cluster named "${name}"`, { fix: 'kubelab list shows the clusters kubelab made' });
      if (!this.read(name)) return Promise.reject(missing());
      return serialized(path, () =>
        withLock(path, async () => {
          const record = this.read(name);
          if (!record) throw missing();
          const next = change(record);
          await writeRecordFile(path, next);
          return next;
        }),
      );
    },
    async list() {
      if (!existsSync(root())) return [];
      const names = await readdir(root());
      return names.filter((name) => existsSync(file(name))).sort();
    },
  };
}

/** Written aside (a name of its own, so concurrent writers never share it) and renamed, so that a crash never leaves half a record. */
async function writeRecordFile(path: string, record: ClusterRecord): Promise<void> {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2));
  await rename(tmp, path);
}
