// The CLI loads @kubernetes/client-node from one bundled file (src/kube/bundle.ts): the bundle must
// offer everything the package does, and a CLI process must really load it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from '@kubernetes/client-node';
import { afterAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';

const cache = mkdtempSync(join(tmpdir(), 'kubelab-bundle-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

function inCli(bundle: '0' | '1') {
  const script = `const { useClientBundle } = await import('./src/kube/bundle.ts');
await useClientBundle();
const m = await import('@kubernetes/client-node');
const kc = new m.KubeConfig();
kc.loadFromString(JSON.stringify({ clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'u' }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
console.log(JSON.stringify({ url: import.meta.resolve('@kubernetes/client-node'), keys: Object.keys(m).sort(), api: kc.makeApiClient(m.CoreV1Api) instanceof m.CoreV1Api }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...process.env, KUBELAB_CACHE: cache, KUBELAB_CLIENT_BUNDLE: bundle },
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { url: string; keys: string[]; api: boolean };
}

it('a CLI process loads the bundle, which exports what the package does and works', () => {
  const bundled = inCli('1');
  expect(readdirSync(join(cache, 'client-bundle'))).toEqual([expect.stringMatching(/^client-node-[\d.]+-esbuild-[\d.]+\.mjs$/)]);
  expect(bundled.keys).toEqual(Object.keys(client).sort());
  expect(bundled.api).toBe(true);
  expect(bundled.url).toMatch(new RegExp(`^file://${cache}/client-bundle/.*\\.mjs$`));
  const plain = inCli('0');
  expect(plain.url).toMatch(/node_modules\/@kubernetes\/client-node\//);
  expect(plain.keys).toEqual(bundled.keys);
});
