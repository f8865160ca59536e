// Work on every learner's cluster at once, a few at a time: one progress line for the class
// (a bar, how many are done, what the latest is doing), one line per learner as it finishes,
// and a line naming the learner and the reason when one fails. One failure stops nobody else.
import { availableParallelism } from 'node:os';
import { errorLine } from '../errors.ts';
import type { Progress } from '../progress.ts';
import type { Learner } from './learners.ts';

export interface Outcome<T> {
  learner: Learner;
  ok: boolean;
  value?: T;
  error?: unknown;
  ms: number;
}

export interface ParallelOptions {
  /** Tasks at once; default: the machine's cores, at least 2. */
  parallel?: number;
  /** What a finished task did, for its line: "ready", "stopped". */
  verb: string;
  /** Print a line for each learner that finished (failures are always printed). */
  quiet?: boolean;
}

export function defaultParallelism(): number {
  return Math.max(2, availableParallelism());
}

function bar(done: number, total: number, width = 20): string {
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

/** A learner's own progress, shown on the class's line as "<learner>: <what it does>". */
function learnerProgress(learner: Learner, show: (line: string) => void): Progress {
  const say = (message: string) => show(`${learner.id}: ${message}`);
  return { step: say, update: say, done: say };
}

export async function forEachLearner<T>(
  learners: Learner[],
  task: (learner: Learner, progress: Progress) => Promise<T>,
  progress: Progress,
  options: ParallelOptions,
): Promise<Outcome<T>[]> {
  const parallel = Math.max(1, options.parallel ?? defaultParallelism());
  const outcomes: Outcome<T>[] = [];
  let finished = 0;
  let latest = 'starting';
  const redraw = () => progress.update(`${bar(finished, learners.length)} ${options.verb} — ${latest}`);
  const show = (line: string) => {
    latest = line;
    redraw();
  };
  const queue = [...learners];
  const worker = async () => {
    for (let learner = queue.shift(); learner; learner = queue.shift()) {
      const started = Date.now();
      try {
        const value = await task(learner, learnerProgress(learner, show));
        outcomes.push({ learner, ok: true, value, ms: Date.now() - started });
        finished++;
        if (!options.quiet) progress.done(`${learner.id}: ${options.verb} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        outcomes.push({ learner, ok: false, error, ms: Date.now() - started });
        finished++;
        // The CLI's own one-line form of the error, with the learner in front of it.
        progress.step(`✗ ${learner.id}: ${errorLine(error).replace(/^kubelab: /, '')}`);
      }
      redraw();
    }
  };
  redraw();
  await Promise.all(Array.from({ length: Math.min(parallel, learners.length) }, worker));
  // In the order of the roster, not of finishing.
  return learners.map((l) => outcomes.find((o) => o.learner === l)!);
}

/** Fails with one line when some learners failed, after the others finished. */
export function failures<T>(outcomes: Outcome<T>[]): Outcome<T>[] {
  return outcomes.filter((o) => !o.ok);
}
