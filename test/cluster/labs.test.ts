// The self-test CI relies on: for every registered lab, on a real local cluster,
// start → check fails → solve → check passes → reset → check fails again, per exercise.
import { afterAll, describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { labs } from '../../src/engine/registry.ts';
import { checkLab, solveLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState } from '../helpers/cluster.ts';
import { expectPassing, selfTest } from '../helpers/labs.ts';

isolateState();
const created: string[] = [];

afterAll(async () => {
  for (const name of created) await chooseProvider('auto', { name }).provider.remove(name, silentProgress);
});

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %s', (_id, lab) => {
  const target = { name: `self-${lab.id}`.slice(0, 40), provider: 'local' };

  it('fails before solve, passes after, fails again after reset', async () => {
    created.push(target.name);
    await selfTest(lab, target, 120_000);
    // Solved as a whole, the lab grades full marks.
    await solveLab(lab, undefined, target);
    const all = await checkLab(lab, undefined, target, { timeoutMs: 120_000 });
    expectPassing(all, 'the whole lab after solve');
    expect(all.every((r) => r.points === r.maxPoints)).toBe(true);
  });
});
