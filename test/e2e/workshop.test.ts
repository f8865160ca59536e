// A small workshop, end to end, as an instructor and three learners live it: `kubelab workshop
// up` makes a local cluster per learner, `workshop start` starts a lab on each, `workshop serve`
// serves the class over HTTPS. A learner downloads their kubeconfig from their page and solves
// the exercise with kubectl through the server; the instructor's grid, in Chromium, shows it.
// Another learner's link opens only their own cluster; a learner whose cluster crashes shows as
// "cluster down" while the others go on; the class report covers everyone; `workshop delete`
// removes only the clusters a workshop made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { freePort, RESULTS, run, useHome } from './env.ts';
import { EXAMPLE_LABS, pinnedChromium, startWorkshopServe, tokenOf, type PinnedChromium, type WorkshopServe } from './workshop-helpers.ts';

const home = useHome();
const WORKSHOP = 'e2e';
const dir = mkdtempSync(join(tmpdir(), 'kubelab-workshop-e2e-'));
let serve: WorkshopServe;
let cert: string;
/** The instructor's and learner 1's browser; learner 2 has their own. */
let browser: PinnedChromium;
let other: PinnedChromium;
let grid: Page;

/** GET on the workshop server with a token, trusting its certificate only. */
function get(path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${serve.url}${path}`, { ca: cert, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<{ status: number | null; out: string }> {
  const result = spawnSync((await ensureBinaries()).path('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The learner's kubeconfig as their page hands it out. */
async function kubeconfigOf(learner: string): Promise<string> {
  const answer = await get('/workshop/api/kubeconfig', tokenOf(serve.learners[learner]!));
  expect(answer.status).toBe(200);
  const file = join(dir, `${learner}.yaml`);
  writeFileSync(file, answer.body);
  return file;
}

const cell = (learner: string, state: string) => `tr[data-learner="${learner}"] td[data-cell="hello/greet"][data-state="${state}"]`;

describe('a workshop of three learners', () => {
  beforeAll(async () => {
    const up = run(['--labs', EXAMPLE_LABS, 'workshop', 'up', '--learners', '3', '--name', WORKSHOP]);
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/3 of 3 learner clusters ready/);
    const start = run(['workshop', 'start', 'hello', '--name', WORKSHOP]);
    expect(start.status, start.stderr).toBe(0);
    serve = await startWorkshopServe(['--name', WORKSHOP, '--listen', `127.0.0.1:${await freePort()}`]);
    cert = readFileSync(join(home, 'workshops', WORKSHOP, 'tls', 'server.crt'), 'utf8');
    browser = await pinnedChromium(cert);
    other = await pinnedChromium(cert);
    grid = await browser.context.newPage();
    await grid.goto(serve.instructor);
  });

  afterAll(async () => {
    await browser?.close();
    await other?.close();
    await serve?.interrupt();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves over HTTPS on loopback, with the certificate whose fingerprint it printed', async () => {
    expect(serve.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const seen = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: serve.port, ca: cert }, () => {
        resolve(socket.getPeerX509Certificate()!.fingerprint256);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(seen).toBe(serve.fingerprint);
    expect(Object.keys(serve.learners)).toEqual(['learner-1', 'learner-2', 'learner-3']);
  });

  it('a learner solves the exercise with kubectl through the kubeconfig from their page, and the instructor’s grid shows it', async () => {
    await grid.waitForSelector(cell('learner-1', 'not-started'), { timeout: 60_000 });
    const page = await browser.context.newPage();
    await page.goto(serve.learners['learner-1']!);
    await page.waitForSelector('#me:not([hidden])');
    expect(await page.locator('#cluster').innerText()).toBe('e2e-learner-1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#kubeconfig')]);
    const kubeconfig = join(dir, 'learner-1-from-page.yaml');
    await download.saveAs(kubeconfig);
    expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${serve.url}/learners/learner-1/kube`);
    const solved = await kubectl(kubeconfig, 'create', 'configmap', 'greeting', '-n', 'hello', '--from-literal=message=hello, world');
    expect(solved, solved.out).toMatchObject({ status: 0 });
    await grid.waitForSelector(cell('learner-1', 'pass'), { timeout: 30_000 });
    expect(await grid.locator(cell('learner-2', 'pass')).count()).toBe(0);
    mkdirSync(RESULTS, { recursive: true });
    await grid.screenshot({ path: join(RESULTS, 'workshop-instructor.png'), fullPage: true });
    // The drill-down shows what a learner who has not solved it sees: expected, found, hint.
    await grid.locator('tr[data-learner="learner-2"] button').click();
    const detail = grid.locator('#detail [data-exercise="hello/greet"] li[data-check="message"]');
    await detail.waitFor();
    expect(await detail.innerText()).toMatch(
      /expected ConfigMap hello\/greeting; found no such ConfigMap[\s\S]*hint: kubectl create configmap/,
    );
  });

  it('another learner’s link opens their own cluster only, not the first learner’s', async () => {
    const page = await other.context.newPage();
    await page.goto(serve.learners['learner-2']!);
    await page.waitForSelector('#me:not([hidden])');
    expect(await page.locator('#cluster').innerText()).toBe('e2e-learner-2');
    await page.locator('[data-exercise="greet"] button').click();
    await page.waitForSelector('[data-exercise="greet"] li[data-check="message"][data-status="fail"]');
    // Through the live cells' routes, learner 2's token reads learner 2's cluster: no greeting there.
    const theirs = await page.evaluate(async () => {
      const { token } = JSON.parse(localStorage.getItem('kubelab.bridge')!);
      const answer = await fetch('/api/v1/object?apiVersion=v1&kind=ConfigMap&namespace=hello&name=greeting', {
        headers: { Authorization: `Bearer ${token}` },
      });
      return { status: answer.status, body: await answer.json() };
    });
    expect(theirs).toEqual({ status: 200, body: null });
    // Learner 2's token on learner 1's kubectl path, and learner 2's kubeconfig aimed at it.
    const crossed = await get(
      '/learners/learner-1/kube/api/v1/namespaces/hello/configmaps/greeting',
      tokenOf(serve.learners['learner-2']!),
    );
    expect(crossed.status).toBe(403);
    expect(crossed.body).not.toContain('hello, world');
    const aimed = join(dir, 'learner-2-aimed-at-1.yaml');
    writeFileSync(
      aimed,
      readFileSync(await kubeconfigOf('learner-2'), 'utf8').replace('/learners/learner-2/kube', '/learners/learner-1/kube'),
    );
    const read = await kubectl(aimed, 'get', 'configmap', 'greeting', '-n', 'hello', '-o', 'jsonpath={.data.message}');
    expect(read.status).not.toBe(0);
    expect(read.out).toMatch(/Forbidden/);
    expect(read.out).not.toContain('hello, world');
  });

  it('the lab site’s live cells run on the learner’s own cluster, through the workshop server', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${serve.url}/`);
    const banner = page.locator('.kubelab-banner[data-state="live"]');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.innerText()).toContain('e2e-learner-1');
  });

  it('a learner whose cluster crashes shows as “cluster down”, and the others go on', async () => {
    const pid = Number(readFileSync(join(home, 'clusters', 'e2e-learner-3', 'supervisor.pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    const down = grid.locator('tr[data-learner="learner-3"][data-health="down"]');
    await down.waitFor({ timeout: 60_000 });
    expect(await down.innerText()).toContain('cluster down');
    const solved = await kubectl(
      await kubeconfigOf('learner-2'),
      'create',
      'configmap',
      'greeting',
      '-n',
      'hello',
      '--from-literal=message=hello, world',
    );
    expect(solved, solved.out).toMatchObject({ status: 0 });
    await grid.waitForSelector(cell('learner-2', 'pass'), { timeout: 30_000 });
    expect(await grid.locator('tr[data-learner="learner-1"][data-health="up"]').count()).toBe(1);
    await grid.screenshot({ path: join(RESULTS, 'workshop-instructor-cluster-down.png'), fullPage: true });
    const status = run(['workshop', 'status', '--name', WORKSHOP]);
    expect(status.status).toBe(3);
    expect(status.stdout).toMatch(/learner-3\s+e2e-learner-3\s+\S+\s+✗/);
  });

  it('grades the class in one report, naming the learner whose cluster is down', () => {
    const csv = run(['workshop', 'grade', '--name', WORKSHOP, '--format', 'csv']);
    expect(csv.status, csv.stderr).toBe(3);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('learner,name,cluster,points,max_points,checks_passed,checks,status,hello/greet');
    expect(rows[1]).toBe('learner-1,Learner 1,e2e-learner-1,1,1,1,1,graded,1');
    expect(rows[2]).toBe('learner-2,Learner 2,e2e-learner-2,1,1,1,1,graded,1');
    expect(rows[3]).toMatch(/^learner-3,Learner 3,e2e-learner-3,0,1,0,1,.*unreachable.*,0$/);
    expect(csv.stderr).toMatch(/learner-3 could not be graded/);
    const junit = run(['workshop', 'grade', '--name', WORKSHOP, '--format', 'junit']);
    expect(junit.stdout).toContain('<testsuite name="learner-1/hello" tests="1" failures="0" errors="0"');
    expect(junit.stdout).toContain('<testsuite name="learner-3/hello" tests="1" failures="0" errors="1"');
  });

  it('workshop delete removes only the clusters a workshop made', () => {
    // A kubelab cluster that is someone else's, under the name another workshop would give its learner.
    const foreign = join(home, 'clusters', 'other-learner-1');
    mkdirSync(foreign, { recursive: true });
    const record = JSON.parse(readFileSync(join(home, 'clusters', 'e2e-learner-1', 'kubelab-cluster.json'), 'utf8'));
    writeFileSync(
      join(foreign, 'kubelab-cluster.json'),
      JSON.stringify({ ...record, shape: { ...record.shape, name: 'other-learner-1' } }),
    );
    const up = run(['workshop', 'up', '--learners', '1', '--name', 'other']);
    expect(up.status).toBe(1);
    expect(up.stderr).toMatch(/learner-1: cluster "other-learner-1" exists and workshop "other" did not create it/);
    const removed = run(['workshop', 'delete', '--name', 'other']);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stderr).toMatch(/left alone/);
    expect(existsSync(join(foreign, 'kubelab-cluster.json'))).toBe(true);
    expect(existsSync(join(home, 'workshops', 'other'))).toBe(false);
    // One learner's cluster, which the workshop made, goes; the others stay.
    const one = run(['workshop', 'delete', 'learner-3', '--name', WORKSHOP]);
    expect(one.status, one.stderr).toBe(0);
    expect(existsSync(join(home, 'clusters', 'e2e-learner-3'))).toBe(false);
    expect(existsSync(join(home, 'clusters', 'e2e-learner-1', 'kubelab-cluster.json'))).toBe(true);
    rmSync(foreign, { recursive: true, force: true });
  });
});
