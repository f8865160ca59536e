// The labs of a workshop: kubelab's own and those of the folders the instructor named (--labs),
// started on every learner's cluster with the same session code as `kubelab start`. Right after
// a lab starts, its checks' results are kept per learner: an exercise whose checks still say
// exactly that has not been started.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { Lab } from '../engine/model.ts';
import type { CheckResult } from '../engine/run.ts';
import type { Progress } from '../progress.ts';
import { learnerTarget } from './clusters.ts';
import type { Learner } from './learners.ts';
import { workshopPaths, type WorkshopRecord } from './state.ts';

/**
 * Adds lab folders to $KUBELAB_LABS, which the registry reads when it first loads: call it
 * before anything imports the registry.
 */
export function useLabDirs(dirs: string[]): string[] {
  const current = (process.env.KUBELAB_LABS ?? '').split(delimiter).filter(Boolean);
  const all = [...new Set([...current, ...dirs.map((d) => resolve(d))])];
  for (const dir of all) if (!existsSync(dir)) throw new UserError(`no lab folder ${dir}`);
  if (all.length) process.env.KUBELAB_LABS = all.join(delimiter);
  return all;
}

export const registry = () => import('../engine/registry.ts');
const session = () => import('../engine/session.ts');

/** The labs the grid and the reports cover: those started, else every lab there is. */
export async function workshopLabs(record: WorkshopRecord, ids: string[] = []): Promise<Lab[]> {
  const { getLab, labs } = await registry();
  if (ids.length) return ids.map(getLab);
  const started = record.labs.filter((id) => labs.some((l) => l.id === id));
  return started.length ? started.map(getLab) : labs;
}

function baselineFile(record: WorkshopRecord, learner: string, lab: string): string {
  return join(workshopPaths(record.name).baselines, learner, `${lab}.json`);
}

/** What the lab's checks said on this learner's cluster right after it started; undefined when unknown. */
export function readBaseline(record: WorkshopRecord, learner: string, lab: string): CheckResult[] | undefined {
  const file = baselineFile(record, learner, lab);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CheckResult[];
  } catch {
    return undefined;
  }
}

/** Brings the learner's cluster to the lab's shape and starting state, then notes what its checks say. */
export async function startLabFor(record: WorkshopRecord, lab: Lab, learner: Learner, progress: Progress): Promise<void> {
  const { startLab, checkLab } = await session();
  const target = learnerTarget(record, learner);
  await startLab(lab, target, progress);
  progress.update('noting the starting state for the grid');
  const results = await checkLab(lab, undefined, target, { timeoutMs: 0 });
  const file = baselineFile(record, learner.id, lab.id);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify(results.map((r) => ({ ...r, evidence: [] }))));
}

/** Undoes the learner's exercises of these labs: back to each lab's starting state. */
export async function resetLabsFor(record: WorkshopRecord, labs: Lab[], learner: Learner, progress: Progress): Promise<void> {
  const { resetLab } = await session();
  for (const lab of labs) {
    progress.update(`resetting lab "${lab.id}"`);
    await resetLab(lab, undefined, learnerTarget(record, learner));
  }
}
