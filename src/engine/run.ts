import { messageOf } from '../kube/client.ts';
import type { Check, CheckContext, Exercise, Lab, Observation } from './model.ts';

export type CheckStatus = 'pass' | 'fail' | 'error';

export interface CheckResult {
  lab: string;
  exercise: string;
  check: string;
  title: string;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  /** What was expected and what was found, in one sentence. */
  reason: string;
  hint: string;
  durationMs: number;
  evidence: unknown[];
}

export interface RunOptions {
  /** Overrides every check's own polling timeout. */
  timeoutMs?: number;
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls one check until it passes or its timeout ends; reports the last state it saw. */
export async function runCheck(
  lab: Lab,
  exercise: Exercise,
  check: Check,
  ctx: CheckContext,
  options: RunOptions = {},
): Promise<CheckResult> {
  const started = performance.now();
  const timeout = options.timeoutMs ?? check.timeoutMs ?? 0;
  const deadline = Date.now() + timeout;
  let observation: Observation | undefined;
  let error: unknown;
  for (;;) {
    try {
      observation = await check.run(ctx);
      error = undefined;
      if (observation.pass) break;
    } catch (e) {
      error = e;
    }
    if (Date.now() + (options.pollMs ?? 250) > deadline) break;
    await sleep(options.pollMs ?? 250);
  }
  const base = {
    lab: lab.id,
    exercise: exercise.id,
    check: check.id,
    title: check.title,
    hint: check.hint,
    maxPoints: check.points,
    durationMs: Math.round(performance.now() - started),
  };
  if (error !== undefined) {
    return { ...base, status: 'error', points: 0, reason: `the check could not run: ${messageOf(error)}`, evidence: [] };
  }
  const waited = timeout > 0 && !observation!.pass ? ` (still so after ${Math.round(timeout / 1000)} s)` : '';
  return {
    ...base,
    status: observation!.pass ? 'pass' : 'fail',
    points: observation!.pass ? check.points : 0,
    reason: observation!.pass ? observation!.found : `expected ${observation!.expected}; found ${observation!.found}${waited}`,
    evidence: observation!.evidence ?? [],
  };
}

/** How many of a lab's checks look at the cluster at once. */
const CHECKS_AT_ONCE = 6;

/**
 * Runs a lab's checks (or one exercise's) side by side, a few at a time, and returns their results
 * in definition order. Checks only read, so none can disturb another; side by side, a lab's grade
 * takes about as long as its slowest check rather than the sum of them, and a polling check that
 * waits no longer holds up the checks behind it.
 */
export async function runChecks(lab: Lab, exercises: Exercise[], ctx: CheckContext, options: RunOptions = {}): Promise<CheckResult[]> {
  const jobs = exercises.flatMap((exercise) => exercise.checks.map((check) => ({ exercise, check })));
  const results: CheckResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) results[i] = await runCheck(lab, jobs[i]!.exercise, jobs[i]!.check, ctx, options);
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, jobs.length) }, worker));
  return results;
}

export function allPassed(results: CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === 'pass');
}
