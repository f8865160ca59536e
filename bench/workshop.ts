// A workshop on this machine, measured (a benchmark, not a test):
//   - `kubelab workshop up --learners N` from nothing to every learner cluster ready;
//   - memory per learner cluster: the sum of RSS over its processes (supervisor, etcd, the API
//     server, controller-manager, scheduler, kwok), and PSS beside it (RSS counts the binaries'
//     pages once per cluster; PSS shares them out), and how many such clusters fit in 16 GiB;
//   - grid latency: from a change that passes a learner's check to the instructor's grid in
//     Chromium showing ✓ (a MutationObserver notes the moment), for a change made with the
//     learner's kubeconfig through the workshop server (graded at once) and for one made behind
//     its back with the cluster's admin kubeconfig (found by the next round of grading).
//
//   npm run bench:workshop -- [learners] [samples]      (default 3 learners, 10 samples)
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '../src/kube/client.ts';
import { freePort, run } from '../test/e2e/processes.ts';
import { EXAMPLE_LABS, pinnedChromium, startWorkshopServe, tokenOf } from '../test/e2e/workshop-helpers.ts';

const learners = Number(process.argv[2] ?? 3);
const samples = Number(process.argv[3] ?? 10);
const WORKSHOP = 'bench';
const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-workshop-'));
process.env.KUBELAB_HOME = home;
process.env.KUBELAB_PROVIDER = 'local';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const stats = (values: number[], unit: string) =>
  `p50 ${percentile(values, 50).toFixed(0)} ${unit}, p95 ${percentile(values, 95).toFixed(0)} ${unit}, max ${Math.max(...values).toFixed(0)} ${unit}`;

/** RSS and PSS (kB) summed over the processes whose command line names the cluster's directory. */
function clusterMemory(cluster: string): { rss: number; pss: number; processes: number } {
  const dir = join(home, 'clusters', cluster);
  const total = { rss: 0, pss: 0, processes: 0 };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!args.some((a) => a === dir || a.includes(`${dir}/`))) continue;
      total.rss += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      total.pss += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      total.processes++;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

function kubelab(...args: string[]): string {
  const result = run(args);
  if (result.status !== 0) throw new Error(`kubelab ${args.join(' ')}: ${result.stderr.slice(-800)}`);
  return `${result.stdout}${result.stderr}`;
}

/** A request through the workshop server with a learner's token, trusting its certificate. */
function viaWorkshop(url: string, token: string, cert: string, method: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca: cert, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

try {
  const started = performance.now();
  kubelab('--labs', EXAMPLE_LABS, 'workshop', 'up', '--learners', String(learners), '--name', WORKSHOP);
  const upSeconds = (performance.now() - started) / 1000;
  kubelab('workshop', 'start', 'hello', '--name', WORKSHOP);
  // Settled: what a class's clusters hold once the lab runs, not during start-up.
  await new Promise((r) => setTimeout(r, 20_000));
  const memory = Array.from({ length: learners }, (_, i) => clusterMemory(`${WORKSHOP}-learner-${i + 1}`));
  const rssMiB = memory.map((m) => m.rss / 1024);
  const pssMiB = memory.map((m) => m.pss / 1024);
  const meanRss = rssMiB.reduce((a, b) => a + b, 0) / learners;
  const meanPss = pssMiB.reduce((a, b) => a + b, 0) / learners;

  const serve = await startWorkshopServe(['--name', WORKSHOP, '--no-site', '--listen', `127.0.0.1:${await freePort()}`]);
  const cert = readFileSync(join(home, 'workshops', WORKSHOP, 'tls', 'server.crt'), 'utf8');
  const browser = await pinnedChromium(cert);
  const through: number[] = [];
  const behind: number[] = [];
  try {
    const page = await browser.context.newPage();
    await page.goto(serve.instructor);
    const cell = 'tr[data-learner="learner-1"] td[data-cell="hello/greet"]';
    await page.waitForSelector(`${cell}[data-state="not-started"]`, { timeout: 60_000 });
    const token = tokenOf(serve.learners['learner-1']!);
    const configmaps = `${serve.url}/learners/learner-1/kube/api/v1/namespaces/hello/configmaps`;
    const admin = loadKubeConfig(join(home, 'clusters', `${WORKSHOP}-learner-1`, 'kubeconfig.yaml')).makeApiClient(CoreV1Api);
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting' }, data: { message: 'hello, world' } };
    for (let i = 0; i < samples * 2; i++) {
      const viaServer = i % 2 === 0;
      await page.evaluate((selector) => {
        const w = window as unknown as { seenAt?: number };
        w.seenAt = undefined;
        const observer = new MutationObserver(() => {
          if (document.querySelector(selector)?.getAttribute('data-state') === 'pass') {
            w.seenAt = Date.now();
            observer.disconnect();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      }, cell);
      const t0 = Date.now();
      if (viaServer) await viaWorkshop(configmaps, token, cert, 'POST', JSON.stringify(body));
      else await admin.createNamespacedConfigMap({ namespace: 'hello', body });
      await page.waitForFunction(() => (window as unknown as { seenAt?: number }).seenAt, undefined, { timeout: 30_000 });
      const latency = (await page.evaluate(() => (window as unknown as { seenAt: number }).seenAt)) - t0;
      (viaServer ? through : behind).push(latency);
      // Back to unsolved, and the grid showing it, before the next sample.
      await viaWorkshop(`${configmaps}/greeting`, token, cert, 'DELETE');
      await page.waitForSelector(`${cell}:not([data-state="pass"])`, { timeout: 30_000 });
    }
  } finally {
    await browser.close();
    await serve.interrupt();
  }

  console.log(`kubelab workshop up --learners ${learners} (local provider, ${learners} clusters from nothing): ${upSeconds.toFixed(1)} s`);
  console.log(
    `memory per learner cluster (${memory[0]!.processes} processes each): RSS ${rssMiB.map((m) => m.toFixed(0)).join(', ')} MiB (mean ${meanRss.toFixed(0)} MiB); PSS mean ${meanPss.toFixed(0)} MiB`,
  );
  console.log(
    `learner clusters in 16 GiB: ${Math.floor((16 * 1024) / meanRss)} by RSS (${Math.floor((14 * 1024) / meanRss)} leaving 2 GiB for the system and the workshop server); ${Math.floor((16 * 1024) / meanPss)} by PSS`,
  );
  console.log(`grid latency, change through the workshop server (kubectl with the learner's kubeconfig): ${stats(through, 'ms')}`);
  console.log(
    `grid latency, change behind its back (admin kubeconfig; next grading round, every 3 s): ${stats(behind, 'ms')} (target p95 ≤ 5000 ms)`,
  );
} finally {
  run(['workshop', 'delete', '--name', WORKSHOP]);
  rmSync(home, { recursive: true, force: true });
}
