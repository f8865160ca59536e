// The first `up` on a machine builds the upstream binaries first, for many minutes on 2 cores.
// The wait for the cluster to be ready must start when its components start, not when `up` was
// called: otherwise a build that outlasts it leaves the wait no time at all.
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import { silentProgress } from '../../src/progress.ts';
import { isolateState, shape } from '../helpers/cluster.ts';
import { up } from '../../src/cluster/lifecycle.ts';

isolateState();
const NAME = 't-first-build';
// Ample for a cluster to come up here, and still short enough to outlast in a test.
const TIMEOUT_MS = 60_000;

const provider = new LocalProvider({
  timeoutMs: TIMEOUT_MS,
  // Stands in for the build: the real binaries, only later than the whole wait.
  binaries: async (progress) => {
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 1000));
    return ensureBinaries(progress);
  },
});

afterAll(async () => {
  await provider.remove(NAME, silentProgress);
});

describe('up after a binaries step longer than its wait', () => {
  it('still waits its whole time for the components, and the cluster comes up', async () => {
    const access = await up(provider, shape(NAME), silentProgress);
    expect((await provider.status(access.name)).nodes.map((n) => [n.name, n.ready])).toEqual([
      ['kub1', true],
      ['kub2', true],
      ['kub3', true],
    ]);
  });
});
