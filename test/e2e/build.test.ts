// `kubelab build` offline: every Node process of the build (Framework and its data loaders)
// runs under a guard that records and refuses any connection or DNS lookup off loopback; the
// record must stay empty. The built pages then open in Chromium with no bridge, show the
// snapshot the loaders took, and fetch nothing off this machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { launchChromium, type Browser } from './browser.ts';
import { CLUSTER, ensureCluster, nodeNames, RESULTS, run, useHome } from './env.ts';
import { serveStatic } from './static.ts';

useHome();

const GUARD = join(packageRoot, 'test', 'e2e', 'offline-guard.mjs');
const work = mkdtempSync(join(tmpdir(), 'kubelab-build-'));
const output = join(work, 'site');
const guardLog = join(work, 'offline.log');
let browser: Browser;

function guarded(args: string[]) {
  return spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, KUBELAB_OFFLINE_LOG: guardLog },
  });
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('kubelab build', () => {
  beforeAll(async () => {
    ensureCluster();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the guard does catch an outside request (control)', () => {
    const control = join(work, 'control.log');
    const result = spawnSync(
      process.execPath,
      ['-e', "fetch('https://kubelab-offline-check.invalid/').then(() => process.exit(0), () => process.exit(3))"],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, KUBELAB_OFFLINE_LOG: control },
      },
    );
    expect(result.status).toBe(3);
    expect(readFileSync(control, 'utf8')).toContain('kubelab-offline-check.invalid');
  });

  it('builds with no request to any outside host (its time: npm run bench:build)', () => {
    const started = performance.now();
    const result = guarded([join(packageRoot, 'bin', 'kubelab.js'), 'build', '--name', CLUSTER, '--output', output]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`kubelab build took ${seconds.toFixed(1)} s`);
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '').toBe('');
    expect(existsSync(join(output, 'index.html'))).toBe(true);
    for (const page of readdirSync(join(packageRoot, 'labs')).filter((f) => f.endsWith('.md'))) {
      expect(existsSync(join(output, page.replace(/\.md$/, '.html'))), page).toBe(true);
    }
    const outside = files(output)
      .filter((f) => /\.(html|js|css)$/.test(f))
      .filter((f) => /cdn\.jsdelivr|fonts\.(googleapis|gstatic)|unpkg\.com|esm\.sh/.test(readFileSync(f, 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the built pages show the snapshot, say so, and fetch nothing off this machine', async () => {
    const site = await serveStatic(output);
    const names = await nodeNames();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      for (const file of readdirSync(join(packageRoot, 'labs')).filter((f) => f.endsWith('.md'))) {
        const path = file === 'index.md' ? '/' : `/${file.replace(/\.md$/, '')}`;
        await page.goto(`${site.url}${path}`);
        const banner = page.locator('.kubelab-banner[data-state="snapshot"]');
        await banner.waitFor({ timeout: 30_000 });
        expect(await banner.innerText()).toMatch(new RegExp(`snapshot of cluster "${CLUSTER}".*npx kubelab serve`, 's'));
        await page.waitForFunction(
          (n) => n.every((name) => document.querySelector('#observablehq-main')!.textContent!.includes(name)),
          names,
          { timeout: 30_000 },
        );
        await page.screenshot({ path: join(RESULTS, `built-${file.replace(/\.md$/, '')}.png`), fullPage: true });
      }
    } finally {
      await page.close();
      await site.close();
    }
    expect(browser.offLoopback).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses to overwrite a directory that is not an earlier build', () => {
    const precious = join(work, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'keep me');
    const result = run(['build', '--name', CLUSTER, '--output', precious]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/is not empty and holds no earlier site build/);
    expect(readFileSync(join(precious, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
