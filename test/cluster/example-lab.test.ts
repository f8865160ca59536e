// The example lab of checks/README.md is a real lab: loaded from its folder like any other, it
// passes the self-test every course lab passes, on a real local cluster.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverLabs } from '../../src/engine/discover.ts';
import { packageRoot } from '../../src/paths.ts';
import { isolateState, kubelab } from '../helpers/cluster.ts';
import { selfTest } from '../helpers/labs.ts';

isolateState();
const target = { name: 't-example-lab', provider: 'local' };

afterAll(() => {
  kubelab(['delete', '--name', target.name]);
});

describe('the example lab (examples/labs/hello)', () => {
  it('loads from its folder and fails before solve, passes after, fails again after reset', async () => {
    const found = await discoverLabs([join(packageRoot, 'examples', 'labs')]);
    expect(found.map((lab) => lab.id)).toEqual(['hello']);
    await selfTest(found[0]!, target, 30_000);
  });
});
