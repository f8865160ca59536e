// Latency from a change at the API server to the page showing it: a ConfigMap is patched
// through the API (no kubectl start-up in the figure) and a MutationObserver in headless
// Chromium notes when the API versions page's watch-driven cell shows the new value.
// Runs `kubelab serve` on a private cluster. Target: p95 ≤ 200 ms.
//
//   node bench/watch.ts [samples]        (default 40)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { loadKubeConfig } from '../src/kube/client.ts';
import { armMarker, launchChromium } from '../test/e2e/browser.ts';
import { CLUSTER, kubeconfig, run, startServe } from '../test/e2e/processes.ts';

const samples = Number(process.argv[2] ?? 40);
const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-watch-'));
process.env.KUBELAB_HOME = home;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  for (const args of [
    ['up', '--name', CLUSTER, '--provider', 'local'],
    ['start', 'api-versions', '--name', CLUSTER],
    ['reset', 'api-versions', '--name', CLUSTER],
  ]) {
    const result = run(args);
    if (result.status !== 0) throw new Error(`kubelab ${args.join(' ')}: ${result.stderr}`);
  }
  const core = loadKubeConfig(kubeconfig()).makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({
    namespace: 'kubelab',
    body: { metadata: { name: 'api-versions-answers' }, data: { retired: 'start' } },
  });
  const serve = await startServe();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(serve.link.replace(/\/#/, '/api-versions#'));
    await page.getByText('Recorded: start').waitFor({ timeout: 60_000 });
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const marker = `v${i}-${Date.now()}`;
      await armMarker(page, `Recorded: ${marker}`);
      const started = Date.now();
      await core.patchNamespacedConfigMap(
        { name: 'api-versions-answers', namespace: 'kubelab', body: { data: { retired: marker } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await page.waitForFunction(() => (window as unknown as { seenAt?: number }).seenAt, undefined, { timeout: 10_000 });
      latencies.push((await page.evaluate(() => (window as unknown as { seenAt: number }).seenAt)) - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(
      `watch event → DOM update over ${samples} changes: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms (target p95 ≤ 200 ms)`,
    );
  } finally {
    await browser.close();
    await serve.interrupt();
  }
} finally {
  run(['delete', '--name', CLUSTER]);
  rmSync(home, { recursive: true, force: true });
}
