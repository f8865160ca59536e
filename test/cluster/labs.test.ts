// The self-test CI relies on: for every registered lab, on a real local cluster,
// start → check fails → solve → check passes → reset → check fails again, per exercise.
import { afterAll, describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/cluster/providers.ts';
import { labs } from '../../src/engine/registry.ts';
import { checkLab, solveLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState, kubelab } from '../helpers/cluster.ts';
import { expectPassing, runsOnLocal, selfTest } from '../helpers/labs.ts';

isolateState();
const created: string[] = [];

afterAll(async () => {
  for (const name of created) await chooseProvider('auto', { name }).provider.remove(name, silentProgress);
});

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %s', (_id, lab) => {
  const target = { name: `self-${lab.id}`.slice(0, 40), provider: 'local' };

  // A lab that needs what local nodes cannot do is self-tested on kind (kind.test.ts's course).
  it.runIf(!runsOnLocal(lab))('is refused in one line before anything starts', () => {
    const result = kubelab(['start', lab.id, '--name', target.name]);
    expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(
      new RegExp(`^kubelab: lab "${lab.id}" needs nodes that .*, which the local provider's cannot — use kind`),
    );
    expect(result.status).not.toBe(0);
    expect(chooseProvider('auto', { name: target.name }).provider.shapeOf(target.name)).toBeUndefined();
  });

  it.runIf(runsOnLocal(lab))('fails before solve, passes after, fails again after reset', async () => {
    created.push(target.name);
    await selfTest(lab, target, 120_000);
    // Solved as a whole, the lab grades full marks.
    await solveLab(lab, undefined, target);
    const all = await checkLab(lab, undefined, target, { timeoutMs: 120_000 });
    expectPassing(all, 'the whole lab after solve');
    expect(all.every((r) => r.points === r.maxPoints)).toBe(true);
  });
});
