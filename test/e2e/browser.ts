// Headless Chromium from Debian, driven by playwright-core: Playwright's own browser
// downloads cannot work on these machines. Each launch gets a fresh profile directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags that keep Chromium from calling Google services or anything else off this machine. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this)');
  }
}

export interface Browser {
  context: BrowserContext;
  /** Every URL the browser requested that was not on loopback. */
  offLoopback: string[];
  close(): Promise<void>;
}

const LOOPBACK = /^(https?|wss?):\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//;

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'kubelab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 1000 },
  });
  const offLoopback: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!LOOPBACK.test(url) && !/^(data|blob|about|chrome|chrome-extension):/.test(url)) offLoopback.push(url);
  });
  return {
    context,
    offLoopback,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Notes in the page the moment its main content first shows `text` (window.seenAt), so
 * the latency from a cluster change to the DOM is measured in the browser, not by polling.
 */
export async function armMarker(page: import('playwright-core').Page, text: string): Promise<void> {
  await page.evaluate((wanted) => {
    const w = window as unknown as { seenAt?: number };
    w.seenAt = undefined;
    const observer = new MutationObserver(() => {
      if (document.querySelector('#observablehq-main')!.textContent!.includes(wanted)) {
        w.seenAt = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, text);
}
