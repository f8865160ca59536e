// The authoring kit on a fresh clone of this repository, as an instructor uses it: `kubelab
// new-lab demo` scaffolds a lab and its page, `kubelab test demo` runs its self-test on a real
// local cluster (and removes the cluster). A lab whose checks cannot tell solved from unsolved
// fails the self-test with readable lines; a malformed one stops with one line naming file and
// field; labs kept outside the repository load with --labs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { isolateState } from '../helpers/cluster.ts';

isolateState();
const clone = join(mkdtempSync(join(tmpdir(), 'kubelab-clone-')), 'kubelab');
const pack = mkdtempSync(join(tmpdir(), 'kubelab-lab-pack-'));

/** The clone's own kubelab, run in the clone as an instructor would. */
function kubelab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(clone, 'bin', 'kubelab.js'), ...args], {
    cwd: clone,
    encoding: 'utf8',
    env: { ...process.env, KUBELAB_REEXEC: undefined, KUBELAB_LABS: undefined },
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the authoring kit, on a fresh clone', () => {
  beforeAll(() => {
    const cloned = spawnSync('git', ['clone', '--quiet', packageRoot, clone], { encoding: 'utf8' });
    expect(cloned.status, cloned.stderr).toBe(0);
    // npm install, without the network: the dependencies this checkout already has.
    symlinkSync(join(packageRoot, 'node_modules'), join(clone, 'node_modules'));
  });

  afterAll(() => {
    kubelab('delete', '--name', 'test-demo');
    rmSync(join(clone, '..'), { recursive: true, force: true });
    rmSync(pack, { recursive: true, force: true });
  });

  it('kubelab new-lab demo scaffolds a lab and its page; kubelab test demo passes on a real cluster and removes it', () => {
    const made = kubelab('new-lab', 'demo');
    expect(made.status, made.stderr).toBe(0);
    expect(readFileSync(join(clone, 'checks', 'demo', 'index.ts'), 'utf8')).toContain("id: 'demo'");
    expect(readFileSync(join(clone, 'labs', 'demo.md'), 'utf8')).toContain('checkButton("demo", "greet")');
    expect(kubelab('labs').stdout).toMatch(/^demo\s+Demo$/m);
    const test = kubelab('test', 'demo', '--provider', 'local');
    expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
    const lines = test.stdout.split('\n');
    expect(lines).toContain('demo / greet — Say hello');
    expect(lines).toContain('  ✓ before solve, the checks fail: 0 of 1 check(s) pass');
    expect(lines).toContain('  ✓ solve: 1 command(s) ran');
    expect(lines).toContain('  ✓ after solve, the checks pass: 1 of 1 check(s) pass');
    expect(test.stdout).toContain('✓ after reset, the checks fail again');
    expect(test.stdout).toMatch(/✓ lab "demo" passes its self-test: 1 exercise\(s\)/);
    expect(kubelab('list', '--provider', 'local').stdout.trim(), 'the test left its cluster').toBe('');
  });

  it('a lab whose checks pass before anything is solved fails its self-test, saying which check and why', () => {
    const index = join(clone, 'checks', 'demo', 'index.ts');
    // The setup now creates the answer itself: the check cannot tell solved from unsolved.
    const scaffold = readFileSync(index, 'utf8');
    const broken = scaffold.replace(
      /(await ctx\.apply\(namespaceManifests\(NAMESPACE\)\);\n)/,
      "$1    await ctx.kubectl(['create', 'configmap', 'greeting', '-n', 'demo', '--from-literal=message=hello, world']);\n",
    );
    expect(broken, 'the scaffold no longer has the setup line this test extends').not.toBe(scaffold);
    writeFileSync(index, broken);
    const test = kubelab('test', 'demo', '--provider', 'local');
    expect(test.status).toBe(1);
    expect(test.stdout).toContain('✗ before solve, the checks fail: every check passes, so the checks cannot tell solved from unsolved');
    expect(test.stdout).toMatch(/✓ message \(pass\): greeting says "hello, world"/);
    expect(test.stdout).toContain('✗ lab "demo" fails its self-test');
  });

  it('a malformed lab stops kubelab with one line naming its file and field', () => {
    const index = join(clone, 'checks', 'demo', 'index.ts');
    const good = readFileSync(index, 'utf8');
    writeFileSync(index, good.replace('points: 1,', 'points: -1,'));
    const test = kubelab('test', 'demo');
    expect(test.status).not.toBe(0);
    expect(test.stderr.trim()).toBe(
      'kubelab: checks/demo/index.ts: lab "demo" is malformed: exercises[0].checks[0].points must be a number ≥ 0 — see checks/README.md',
    );
    writeFileSync(index, good);
  });

  it('a lab kept outside the repository loads with --labs', () => {
    const made = kubelab('new-lab', 'private-one', '--dir', pack);
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(join(pack, 'private-one', 'page.md'))).toBe(true);
    expect(kubelab('labs').stdout).not.toMatch(/^private-one/m);
    const listed = kubelab('--labs', pack, 'labs', '--json');
    expect(JSON.parse(listed.stdout).map((l: { id: string }) => l.id)).toContain('private-one');
    const missing = kubelab('--labs', join(pack, 'nowhere'), 'labs');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
