// The self-test every lab must pass, on whichever provider a test names: per exercise, the
// checks fail before solve, pass after, and fail again after reset.
import { expect } from 'vitest';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import type { Lab } from '../../src/engine/model.ts';
import type { CheckResult } from '../../src/engine/run.ts';
import { checkLab, resetLab, solveLab, startLab, type TargetOptions } from '../../src/engine/session.ts';

/** Whether the local provider's nodes can do all the lab needs; kind.test.ts self-tests the rest. */
export const runsOnLocal = (lab: Lab) => (lab.needs ?? []).every((c) => new LocalProvider().capabilities.includes(c));

/** Some check judged the state and failed it, and none broke: an 'error' is a broken check, not an unsolved exercise. */
export function expectFailing(results: CheckResult[], label: string): void {
  const seen = results.map((r) => `${r.check}: ${r.status} — ${r.reason}`);
  expect(
    results.some((r) => r.status === 'fail'),
    `${label}: no check failed\n${seen.join('\n')}`,
  ).toBe(true);
  expect(
    results.filter((r) => r.status === 'error').map((r) => `${r.check}: ${r.reason}`),
    `${label}: checks that could not run`,
  ).toEqual([]);
}

export function expectPassing(results: CheckResult[], label: string): void {
  expect(
    results.filter((r) => r.status !== 'pass').map((r) => `${r.check}: ${r.status} — ${r.reason}`),
    label,
  ).toEqual([]);
}

/** Starts the lab on the target, then runs the fail → solve → pass → reset → fail cycle of each exercise. */
export async function selfTest(lab: Lab, target: TargetOptions, timeoutMs: number): Promise<void> {
  await startLab(lab, target);
  for (const exercise of lab.exercises) {
    expectFailing(await checkLab(lab, exercise.id, target, { timeoutMs: 0 }), `${exercise.id} before solve`);
    await solveLab(lab, exercise.id, target);
    expectPassing(await checkLab(lab, exercise.id, target, { timeoutMs }), `${exercise.id} after solve`);
    await resetLab(lab, exercise.id, target);
    expectFailing(await checkLab(lab, exercise.id, target, { timeoutMs: 0 }), `${exercise.id} after reset`);
  }
}
