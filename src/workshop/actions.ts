// What each `kubelab workshop` command does, loaded only when one runs.
import { writeFile } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { delimiter } from 'node:path';
import { ensureBinaries } from '../binaries/index.ts';
import { UserError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import { deleteLearner, downLearner, statusOfLearner, upLearner } from './clusters.ts';
import { classFormats, gradeLearner, renderClass, type ClassFormat } from './grade.ts';
import { checkWorkshopName, chooseLearners, numberedLearners, readRoster, type Learner } from './learners.ts';
import { registry, resetLabsFor, startLabFor, useLabDirs, workshopLabs } from './labs.ts';
import { failures, forEachLearner } from './parallel.ts';
import { newSecret, readWorkshop, recordWriter, requireWorkshop, workshopPaths, writeWorkshop, type WorkshopRecord } from './state.ts';

export interface WorkshopOptions {
  name: string;
  parallel?: string;
}

function parallelOf(options: WorkshopOptions): number | undefined {
  if (options.parallel === undefined) return undefined;
  if (!/^\d+$/.test(options.parallel) || Number(options.parallel) < 1)
    throw new UserError(`--parallel must be a whole number ≥ 1, not "${options.parallel}"`);
  return Number(options.parallel);
}

/** The workshop's record, with its lab folders in effect before any lab loads. */
function openWorkshop(name: string): WorkshopRecord {
  const record = requireWorkshop(checkWorkshopName(name));
  useLabDirs(record.labDirs);
  return record;
}

/** Fails in one line when some learners failed; the lines above named each. */
function requireAll(outcomes: { ok: boolean }[], what: string, retry: string): void {
  const failed = failures(outcomes as never[]).length;
  if (failed) throw new UserError(`${failed} of ${outcomes.length} learners: ${what} failed (see the lines above)`, { fix: retry });
}

export interface UpOptions extends WorkshopOptions {
  learners?: string;
  roster?: string;
  provider: string;
}

/** The learners of the record plus new ones; a learner keeps their secret (their link) across runs. */
function mergeLearners(record: WorkshopRecord | undefined, learners: Learner[]): WorkshopRecord['learners'] {
  const kept = record?.learners ?? [];
  return [...kept, ...learners.filter((l) => !kept.some((k) => k.id === l.id)).map((l) => ({ ...l, token: newSecret(), created: false }))];
}

export async function upAction(options: UpOptions, progress: Progress): Promise<void> {
  const name = checkWorkshopName(options.name);
  if ((options.learners === undefined) === (options.roster === undefined))
    throw new UserError('give either --learners N or --roster FILE', { fix: 'e.g. kubelab workshop up --learners 20' });
  if (options.provider !== 'local' && options.provider !== 'kind')
    throw new UserError(`unknown provider "${options.provider}" for a workshop`, { fix: 'choose local (the default) or kind' });
  if (options.learners !== undefined && !/^\d+$/.test(options.learners))
    throw new UserError(`--learners must be a whole number, not "${options.learners}"`);
  const learners = options.roster ? readRoster(name, options.roster) : numberedLearners(name, Number(options.learners));
  const existing = readWorkshop(name);
  if (existing && existing.provider !== options.provider)
    throw new UserError(`workshop "${name}" runs on ${existing.provider}`, {
      fix: `drop --provider, or kubelab workshop delete --name ${name} first`,
    });
  const record: WorkshopRecord = {
    createdBy: 'kubelab-workshop',
    name,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    provider: options.provider,
    learners: mergeLearners(existing, learners),
    instructorToken: existing?.instructorToken ?? newSecret(),
    labs: existing?.labs ?? [],
    labDirs: [...new Set([...(existing?.labDirs ?? []), ...(process.env.KUBELAB_LABS ?? '').split(delimiter).filter(Boolean)])],
  };
  useLabDirs(record.labDirs);
  await writeWorkshop(record);
  // Built (or found) once, before the clusters start side by side.
  if (record.provider === 'local') await ensureBinaries(progress);
  const started = Date.now();
  const write = recordWriter(name);
  const chosen = record.learners.filter((l) => learners.some((n) => n.id === l.id));
  const outcomes = await forEachLearner(
    chosen,
    async (learner, p) => {
      const fresh = !requireWorkshop(name).learners.find((l) => l.id === learner.id)?.created;
      await upLearner(requireWorkshop(name), learner, write, p);
      // A learner who joins late gets the labs the class has started.
      if (fresh && record.labs.length)
        for (const lab of await workshopLabs(record, record.labs)) await startLabFor(record, lab, learner, p);
    },
    progress,
    { verb: 'cluster ready', parallel: parallelOf(options) },
  );
  const ok = outcomes.filter((o) => o.ok).length;
  progress.done(
    `workshop "${name}": ${ok} of ${outcomes.length} learner clusters ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  requireAll(
    outcomes,
    'the cluster',
    `kubelab workshop up --name ${name} ${options.roster ? `--roster ${options.roster}` : `--learners ${options.learners}`} again retries them`,
  );
  console.log(`next: kubelab workshop start <lab> --name ${name}, then kubelab workshop serve --name ${name}`);
}

export async function statusAction(learner: string | undefined, options: WorkshopOptions & { json?: boolean }): Promise<void> {
  const record = openWorkshop(options.name);
  const statuses = await Promise.all(chooseLearners(record.learners, learner).map((l) => statusOfLearner(record, l)));
  if (options.json) {
    console.log(JSON.stringify({ workshop: record.name, provider: record.provider, labs: record.labs, learners: statuses }, null, 2));
  } else {
    console.log(`workshop ${record.name} (${record.provider}), labs started: ${record.labs.join(', ') || 'none'}`);
    console.log(`${'LEARNER'.padEnd(24)} ${'CLUSTER'.padEnd(30)} ${'STATE'.padEnd(10)} API  NODES`);
    for (const s of statuses) {
      const state = !s.exists ? 'no cluster' : s.running ? 'running' : 'stopped';
      console.log(`${s.learner.padEnd(24)} ${s.cluster.padEnd(30)} ${state.padEnd(10)} ${s.apiServer ? '✓' : '✗'}    ${s.nodesReady}`);
    }
  }
  if (statuses.some((s) => !s.apiServer)) process.exitCode = 3;
}

export async function downAction(learner: string | undefined, options: WorkshopOptions, progress: Progress): Promise<void> {
  const record = openWorkshop(options.name);
  const outcomes = await forEachLearner(chooseLearners(record.learners, learner), (l, p) => downLearner(record, l, p), progress, {
    verb: 'stopped',
    parallel: parallelOf(options),
  });
  requireAll(outcomes, 'stopping', `kubelab workshop down --name ${record.name} again`);
}

export async function deleteAction(learner: string | undefined, options: WorkshopOptions, progress: Progress): Promise<void> {
  const record = requireWorkshop(checkWorkshopName(options.name));
  const write = recordWriter(record.name);
  const outcomes = await forEachLearner(
    chooseLearners(record.learners, learner),
    async (l, p) => progress.done(`${l.id}: ${await deleteLearner(requireWorkshop(record.name), l, write, p)}`),
    progress,
    { verb: 'done', quiet: true, parallel: parallelOf(options) },
  );
  requireAll(outcomes, 'deleting', `kubelab workshop delete --name ${record.name} again`);
  if (learner === undefined) {
    await rm(workshopPaths(record.name).dir, { recursive: true, force: true });
    progress.done(`deleted workshop "${record.name}" (its learners' links no longer work)`);
  }
}

export async function startAction(labId: string, learner: string | undefined, options: WorkshopOptions, progress: Progress): Promise<void> {
  const record = openWorkshop(options.name);
  const lab = (await registry()).getLab(labId);
  const outcomes = await forEachLearner(chooseLearners(record.learners, learner), (l, p) => startLabFor(record, lab, l, p), progress, {
    verb: `lab "${lab.id}" ready`,
    parallel: parallelOf(options),
  });
  await recordWriter(record.name)((r) => {
    if (!r.labs.includes(lab.id)) r.labs.push(lab.id);
  });
  requireAll(outcomes, `starting lab "${lab.id}"`, `kubelab workshop start ${lab.id} --name ${record.name} again`);
}

export async function resetAction(learner: string, labId: string | undefined, options: WorkshopOptions, progress: Progress): Promise<void> {
  const record = openWorkshop(options.name);
  const labs = await workshopLabs(record, labId ? [labId] : record.labs);
  const [chosen] = chooseLearners(record.learners, learner);
  await resetLabsFor(record, labs, chosen!, progress);
  progress.done(`reset ${chosen!.id}: ${labs.map((l) => l.id).join(', ')} back to the starting state`);
}

export async function gradeAction(
  labIds: string[],
  options: WorkshopOptions & { format: string; output?: string },
  progress: Progress,
): Promise<void> {
  const record = openWorkshop(options.name);
  if (!classFormats.includes(options.format as ClassFormat))
    throw new UserError(`unknown format "${options.format}"`, { fix: `choose one of ${classFormats.join(', ')}` });
  const labs = await workshopLabs(record, labIds);
  const outcomes = await forEachLearner(record.learners, (l) => gradeLearner(record, l, labs), progress, {
    verb: 'graded',
    quiet: true,
    parallel: parallelOf(options),
  });
  const grades = outcomes.map((o) => o.value!);
  const text = renderClass(options.format as ClassFormat, grades, labs);
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text);
  const down = grades.filter((g) => g.error);
  for (const g of down) progress.step(`${g.learner.id} could not be graded: ${g.error}`);
  const points = grades.reduce((sum, g) => sum + g.results.reduce((s, r) => s + r.points, 0), 0);
  const max = grades.reduce((sum, g) => sum + g.results.reduce((s, r) => s + r.maxPoints, 0), 0);
  progress.done(
    `graded ${grades.length} learners on ${labs.map((l) => l.id).join(', ')}: ${points}/${max} points${options.output ? ` — report in ${options.output}` : ''}`,
  );
  // A report for a class that is still working is not a failure; a learner nobody could grade is.
  if (down.length) process.exitCode = 3;
}
