// The README's first command from a clean state: no cluster state and no upstream binaries in
// kubelab's cache. `npm start` (kubelab serve) must build them, bring the cluster up and print the
// site's link, all in that one invocation. Go's own build cache stays warm from the build of the
// binaries the other tests use, so this build is a relink of a minute or less. A fresh machine has no kind
// node image, so `auto` picks the local provider there; the flag keeps that choice on a machine
// that has one.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubelab } from '../helpers/cluster.ts';
import { startServe, type Serve } from './env.ts';

const home = mkdtempSync(join(tmpdir(), 'kubelab-first-run-home-'));
const cache = mkdtempSync(join(tmpdir(), 'kubelab-first-run-cache-'));
const env = { KUBELAB_HOME: home, KUBELAB_CACHE: cache };
let serve: Serve | undefined;

afterAll(async () => {
  await serve?.interrupt();
  kubelab(['delete', '--provider', 'local'], env);
  rmSync(home, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('npm start on a fresh machine', () => {
  it('builds the binaries, brings the cluster up and prints the site link in one invocation', { timeout: 1_200_000 }, async () => {
    expect(readdirSync(cache)).toEqual([]);
    // The default cluster name, as `npm start` runs it (`node bin/kubelab.js serve`).
    serve = await startServe(env, { flags: ['--provider', 'local'], waitMs: 1_140_000 });
    const output = serve.output();
    expect(output).toContain(`✓ built upstream components in`);
    expect(output).toContain(`→ ${cache}`);
    expect(output).toMatch(/creating cluster "kubelab"/);

    const status = kubelab(['status', '--json'], env);
    expect(status.status, status.stderr).toBe(0);
    const { running, nodes } = JSON.parse(status.stdout) as { running: boolean; nodes: { name: string; ready: boolean }[] };
    expect(running).toBe(true);
    expect(nodes.map((n) => [n.name, n.ready])).toEqual([
      ['kub1', true],
      ['kub2', true],
      ['kub3', true],
    ]);
  });
});
