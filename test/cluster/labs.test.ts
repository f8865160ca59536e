// The self-test CI relies on: for every registered lab, on a real local cluster,
// start → check fails → solve → check passes → reset → check fails again, per exercise.
import { afterAll, describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { labs } from '../../src/engine/registry.ts';
import { allPassed } from '../../src/engine/run.ts';
import { checkLab, resetLab, solveLab, startLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState } from '../helpers/cluster.ts';

isolateState();
const created: string[] = [];

afterAll(async () => {
  for (const name of created) await chooseProvider('auto', { name }).provider.delete(name, silentProgress);
});

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %s', (_id, lab) => {
  const target = { name: `self-${lab.id}`.slice(0, 40), provider: 'local' };

  it('fails before solve, passes after, fails again after reset', async () => {
    created.push(target.name);
    await startLab(lab, target);
    for (const exercise of lab.exercises) {
      const before = await checkLab(lab, exercise.id, target, { timeoutMs: 0 });
      expect(allPassed(before), `${exercise.id} passed before solve: ${JSON.stringify(before)}`).toBe(false);

      await solveLab(lab, exercise.id, target);
      const after = await checkLab(lab, exercise.id, target, { timeoutMs: 120_000 });
      expect(after.filter((r) => r.status !== 'pass').map((r) => `${r.check}: ${r.reason}`), exercise.id).toEqual([]);

      await resetLab(lab, exercise.id, target);
      const again = await checkLab(lab, exercise.id, target, { timeoutMs: 0 });
      expect(allPassed(again), `${exercise.id} still passed after reset: ${JSON.stringify(again)}`).toBe(false);
    }
    // Solved as a whole, the lab grades full marks.
    await solveLab(lab, undefined, target);
    const all = await checkLab(lab, undefined, target, { timeoutMs: 120_000 });
    expect(all.every((r) => r.points === r.maxPoints)).toBe(true);
  });
});
