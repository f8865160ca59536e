// What kubelab records about a workshop, in its own directory: the learners, their secrets, the
// clusters the workshop created (and so may delete), the labs started and where extra labs live.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { stateDir } from '../paths.ts';
import type { Learner } from './learners.ts';

export const DEFAULT_WORKSHOP = 'ws';
const MARKER = 'workshop.json';

export interface LearnerRecord extends Learner {
  /** The learner's secret: in their join link and their kubeconfig. */
  token: string;
  /** Set before the workshop makes the cluster: `workshop delete` removes only these. */
  created: boolean;
}

export interface WorkshopRecord {
  createdBy: 'kubelab-workshop';
  name: string;
  createdAt: string;
  /** The provider new learner clusters get: local or kind. */
  provider: 'local' | 'kind';
  learners: LearnerRecord[];
  /** Opens the instructor's page; no learner has it. */
  instructorToken: string;
  /** Labs started with `workshop start`, in order: the instructor's grid shows their exercises. */
  labs: string[];
  /** Lab folders outside the repository (--labs), absolute. */
  labDirs: string[];
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function workshopDir(name: string): string {
  return join(stateDir(), 'workshops', name);
}

/** Where the workshop keeps what it makes as it runs. */
export function workshopPaths(name: string) {
  const dir = workshopDir(name);
  return {
    dir,
    record: join(dir, MARKER),
    /** The server's certificate and key, when the instructor gives none. */
    tls: join(dir, 'tls'),
    /** The lab site, built once for the learners' browsers. */
    site: join(dir, 'site'),
    /** Each exercise's results right after its lab started, per learner: "not started" is looking like that. */
    baselines: join(dir, 'baselines'),
    /** Every change the grader saw, one JSON a line: the instructor's chart of the class over time. */
    progress: join(dir, 'progress.ndjson'),
  };
}

export function readWorkshop(name: string): WorkshopRecord | undefined {
  const file = workshopPaths(name).record;
  if (!existsSync(file)) return undefined;
  let record: WorkshopRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as WorkshopRecord;
  } catch (error) {
    throw new UserError(`${file} is damaged`, { fix: `kubelab workshop delete --name ${name} removes the workshop`, cause: error });
  }
  if (record?.createdBy !== 'kubelab-workshop' || !Array.isArray(record.learners) || typeof record.instructorToken !== 'string')
    throw new UserError(`${file} is not a kubelab workshop record`);
  return record;
}

export function requireWorkshop(name: string): WorkshopRecord {
  const record = readWorkshop(name);
  if (!record)
    throw new UserError(`no workshop named "${name}"`, { fix: `create it with: kubelab workshop up --name ${name} --learners N` });
  return record;
}

/** Written aside and renamed, readable by the instructor alone: it holds every learner's secret. */
export async function writeWorkshop(record: WorkshopRecord): Promise<void> {
  const paths = workshopPaths(record.name);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFile(`${paths.record}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 });
  await rename(`${paths.record}.tmp`, paths.record);
}

export async function listWorkshops(): Promise<string[]> {
  const root = join(stateDir(), 'workshops');
  if (!existsSync(root)) return [];
  return (await readdir(root)).filter((name) => existsSync(workshopPaths(name).record)).sort();
}

/**
 * Record updates from tasks running in parallel (each learner's cluster), applied one at a time
 * to the record as it is on disk, so that no update overwrites another.
 */
export function recordWriter(name: string): (change: (record: WorkshopRecord) => void) => Promise<void> {
  let queue = Promise.resolve();
  return (change) => {
    queue = queue.then(async () => {
      const record = requireWorkshop(name);
      change(record);
      await writeWorkshop(record);
    });
    return queue;
  };
}
