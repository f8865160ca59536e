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

/** Runs a lab's checks (or one exercise's), one after another, in definition order. */
export async function runChecks(lab: Lab, exercises: Exercise[], ctx: CheckContext, options: RunOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const exercise of exercises) {
    for (const check of exercise.checks) results.push(await runCheck(lab, exercise, check, ctx, options));
  }
  return results;
}

export function allPassed(results: CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === 'pass');
}
