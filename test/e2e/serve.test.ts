// `kubelab serve` as a learner lives with it: the page says so when the cluster stops and
// recovers when it is back; Ctrl-C stops the site and the bridge, the page says the bridge is
// gone, and the cluster keeps running.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './browser.ts';
import { CLUSTER, ensureCluster, freePort, refused, RESULTS, run, startServe, useHome, type Serve } from './env.ts';

useHome();

let serve: Serve;
let browser: Browser;
let page: Page;

async function bannerState(state: string, timeout: number): Promise<string> {
  const banner = page.locator(`.kubelab-banner[data-state="${state}"]`);
  await banner.waitFor({ timeout });
  return banner.innerText();
}

describe('kubelab serve', () => {
  beforeAll(async () => {
    ensureCluster();
    serve = await startServe();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(serve.link);
    await bannerState('live', 60_000);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.interrupt();
    ensureCluster();
  });

  it('says the cluster is down when it stops, and goes live again when it is back', async () => {
    expect(run(['down', '--name', CLUSTER]).status).toBe(0);
    expect(await bannerState('cluster-down', 60_000)).toContain('start it with: npx kubelab serve');
    await page.screenshot({ path: join(RESULTS, 'cluster-down.png') });
    expect(run(['up', '--name', CLUSTER]).status).toBe(0);
    await bannerState('live', 60_000);
    await page.waitForFunction(() => document.querySelector('#observablehq-main')!.textContent!.includes('kub3'));
  });

  it('refuses a port in use with one line', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const result = run(['serve', '--name', CLUSTER, '--port', String(port), '--no-open']);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([`kubelab: port ${port} is in use — choose another with --port`]);
    } finally {
      blocker.close();
    }
  });

  it('Ctrl-C stops the site and the bridge, the page says so, and the cluster keeps running', async () => {
    expect(await serve.interrupt()).toBe(0);
    expect(serve.output()).toMatch(/stopped the lab site and the bridge; cluster "e2e" is still running/);
    expect(await refused(serve.bridgePort)).toBe(true);
    expect(await refused(Number(new URL(serve.site).port))).toBe(true);
    expect(await bannerState('bridge-down', 30_000)).toContain('start it with: npx kubelab serve');
    await page.screenshot({ path: join(RESULTS, 'bridge-down.png') });
    const status = run(['status', '--name', CLUSTER]);
    expect(status.status, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/\(running\)/);
  });
});
