// The course as a learner takes it: every lab the local provider runs, in page order on one cluster, each started
// on what the labs before it left, solved, and graded full marks. (test/cluster/kind.test.ts
// runs the same order on kind, with the self-test of every exercise.)
import { afterAll, expect, it } from 'vitest';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import { labs } from '../../src/engine/registry.ts';
import { checkLab, solveLab, startLab } from '../../src/engine/session.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState } from '../helpers/cluster.ts';
import { expectPassing, runsOnLocal } from '../helpers/labs.ts';

isolateState();
const target = { name: 'course', provider: 'local' };

afterAll(async () => {
  await new LocalProvider().remove(target.name, silentProgress);
});

it.each(labs.filter(runsOnLocal).map((lab) => [lab.id, lab] as const))(
  'lab %s starts after the ones before it, and its solution grades full marks',
  async (_id, lab) => {
    await startLab(lab, target);
    await solveLab(lab, undefined, target);
    const results = await checkLab(lab, undefined, target, { timeoutMs: 120_000 });
    expectPassing(results, `${lab.id} after solve`);
    expect(results.every((r) => r.points === r.maxPoints)).toBe(true);
  },
);
