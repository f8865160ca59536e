// The lab site in headless Chromium against a real cluster, served by `kubelab serve` as a
// learner runs it: every lab page fills its live node table, a watch-driven cell follows a
// kubectl change (its latency is printed), and each check button shows ✗ with a hint, then
// ✓ after `kubelab solve`. A screenshot of each page goes to test-results/.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labs } from '../../src/engine/registry.ts';
import { packageRoot } from '../../src/paths.ts';
import { runsOnLocal } from '../helpers/labs.ts';
import { armMarker, launchChromium, type Browser } from './browser.ts';
import { CLUSTER, ensureCluster, kubectl, nodeNames, RESULTS, run, startServe, useHome, type Serve } from './env.ts';

useHome();

/** Lab pages on disk (others may still be being written): each is named after its lab. */
const pages = readdirSync(join(packageRoot, 'labs'))
  .filter((f) => f.endsWith('.md') && f !== 'index.md')
  .map((f) => f.slice(0, -'.md'.length));

const work = mkdtempSync(join(tmpdir(), 'kubelab-site-'));
const guardLog = join(work, 'offline.log');
let serve: Serve;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function open(path: string): Promise<void> {
  await page.goto(`${serve.site}${path}`);
  await page.waitForSelector('.kubelab-banner[data-state="live"]', { timeout: 60_000 });
}

async function mainText(): Promise<string> {
  return page.locator('#observablehq-main').innerText();
}

function cli(...args: string[]): void {
  const result = run([...args, '--name', CLUSTER]);
  expect(result.status, `kubelab ${args.join(' ')}: ${result.stderr}`).toBe(0);
}

/** Clicks a check button and waits for its verdict. */
async function runCheck(index: number): Promise<string> {
  const check = page.locator('.kubelab-check').nth(index);
  await check.locator('button').click();
  await page.waitForFunction(
    (i) => ['pass', 'fail', 'error'].includes(document.querySelectorAll<HTMLElement>('.kubelab-check')[i]!.dataset.state!),
    index,
    { timeout: 300_000 },
  );
  return (await check.getAttribute('data-state'))!;
}

describe('the lab site in Chromium', () => {
  beforeAll(async () => {
    ensureCluster();
    // The whole of kubelab serve (bridge, preview, data loaders) runs under the offline guard.
    serve = await startServe({
      NODE_OPTIONS: `--import ${join(packageRoot, 'test', 'e2e', 'offline-guard.mjs')}`,
      KUBELAB_OFFLINE_LOG: guardLog,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (serve) expect(await serve.interrupt()).toBe(0);
    rmSync(work, { recursive: true, force: true });
  });

  it('the link kubelab serve printed opens the index, live, and hides its key', async () => {
    await page.goto(serve.link);
    await page.waitForSelector('.kubelab-banner[data-state="live"]', { timeout: 60_000 });
    expect(page.url()).not.toContain('kubelab=');
    expect(await page.evaluate(() => localStorage.getItem('kubelab.bridge'))).toContain(serve.token);
    for (const lab of labs) await page.waitForSelector(`.kubelab-progress[data-lab="${lab.id}"]:has-text("points,")`, { timeout: 300_000 });
    for (const name of await nodeNames()) expect(await mainText()).toContain(name);
    await page.screenshot({ path: join(RESULTS, 'index.png'), fullPage: true });
  });

  for (const id of pages) {
    it(`lab page ${id}: live node table, ✗ with a hint, then ✓ after kubelab solve`, async () => {
      const lab = labs.find((l) => l.id === id);
      // A kind-only lab's page still loads and grades on local; kind.test.ts solves it on kind.
      const solvable = lab !== undefined && runsOnLocal(lab);
      if (solvable) {
        cli('start', id);
        cli('reset', id);
      }
      await open(`/${id}`);
      const names = await nodeNames();
      await page.waitForFunction(
        (n) => n.every((name) => document.querySelector('#observablehq-main')!.textContent!.includes(name)),
        names,
        { timeout: 30_000 },
      );

      const checks = await page.locator('.kubelab-check').count();
      if (lab) expect(checks, `${id} has no check button`).toBeGreaterThan(0);
      for (let i = 0; i < checks; i++) {
        expect(await runCheck(i), `check button ${i} of ${id} before solve`).toBe('fail');
        const hints = await page.locator('.kubelab-check').nth(i).locator('.kubelab-check-result.fail .hint').allInnerTexts();
        expect(hints.length).toBeGreaterThan(0);
        expect(hints.every((h) => h.trim().length > 0)).toBe(true);
      }
      await page.screenshot({ path: join(RESULTS, `${id}-unsolved.png`), fullPage: true });

      if (!solvable) return;
      cli('solve', id);
      for (let i = 0; i < checks; i++) {
        const deadline = Date.now() + 180_000;
        let state = await runCheck(i);
        while (state !== 'pass' && Date.now() < deadline) state = await runCheck(i);
        expect(state, await page.locator('.kubelab-check').nth(i).innerText()).toBe('pass');
        expect(await page.locator('.kubelab-check').nth(i).locator('.kubelab-check-summary').innerText()).toMatch(/^✓/);
      }
      await page.screenshot({ path: join(RESULTS, `${id}.png`), fullPage: true });
    });
  }

  it('a watch-driven cell follows kubectl changes (latency printed; its figures: npm run bench:watch)', async () => {
    cli('start', 'api-versions');
    cli('reset', 'api-versions', 'retired-versions');
    await open('/api-versions');
    await page.getByText('No answer recorded yet.').waitFor({ timeout: 30_000 });

    const latencies: number[] = [];
    const kubectlTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const marker = `marker-${Date.now()}-${i}`;
      await armMarker(page, `Recorded: ${marker}`);
      const started = Date.now();
      const { ms } =
        i === 0
          ? await kubectl('create', 'configmap', 'api-versions-answers', '-n', 'kubelab', `--from-literal=retired=${marker}`)
          : await kubectl(
              'patch',
              'configmap',
              'api-versions-answers',
              '-n',
              'kubelab',
              '--type',
              'merge',
              '-p',
              JSON.stringify({ data: { retired: marker } }),
            );
      await page.waitForFunction(() => (window as unknown as { seenAt?: number }).seenAt, undefined, { timeout: 10_000 });
      latencies.push((await page.evaluate(() => (window as unknown as { seenAt: number }).seenAt)) - started);
      kubectlTimes.push(ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `watch → DOM: from starting kubectl to the page showing the change, median ${median(latencies)} ms (runs: ${latencies.join(', ')} ms); kubectl alone took a median ${Math.round(median(kubectlTimes))} ms`,
    );

    // The node table is watch-driven too: a cordon shows up without reloading.
    await kubectl('cordon', 'kub2');
    await page.waitForFunction(
      () => document.querySelector('#observablehq-main')!.textContent!.includes('Ready,SchedulingDisabled'),
      undefined,
      { timeout: 10_000 },
    );
    await kubectl('uncordon', 'kub2');
    await page.waitForFunction(
      () => !document.querySelector('#observablehq-main')!.textContent!.includes('SchedulingDisabled'),
      undefined,
      { timeout: 10_000 },
    );
  });

  it('made no request off this machine, and no page threw', () => {
    expect(browser.offLoopback).toEqual([]);
    expect(existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '', 'connections kubelab serve tried off loopback').toBe('');
    expect(pageErrors).toEqual([]);
  });
});
