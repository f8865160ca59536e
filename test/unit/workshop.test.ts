// The workshop's pure parts, without a cluster: learners from a roster, where the server listens
// and which names it answers to, what the kubectl forward refuses, how the grid judges an
// exercise (passed, failing, not started), the class reports, the rate limit, the tokens, and
// the scaffold of a new lab.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckResult } from '../../src/engine/run.ts';
import { defineLab } from '../../src/engine/model.ts';
import { Board, type ChangeEvent } from '../../src/workshop/board.ts';
import { csv, renderClass, type LearnerGrade } from '../../src/workshop/grade.ts';
import { chooseLearners, learnerId, numberedLearners, parseRoster } from '../../src/workshop/learners.ts';
import { apiPath } from '../../src/workshop/server/forward.ts';
import { authority, checkHost, checkOrigin, parseListen, serverNames } from '../../src/workshop/server/hosts.ts';
import { Keys } from '../../src/workshop/server/keys.ts';
import { learnerKubeconfig } from '../../src/workshop/server/kubeconfig.ts';
import { TokenBucket } from '../../src/workshop/server/rate.ts';
import { newLab, pageSource } from '../../src/workshop/authoring/new-lab.ts';
import type { WorkshopRecord } from '../../src/workshop/state.ts';

const req = (headers: Record<string, string>, method = 'GET') => ({ headers, method }) as unknown as IncomingMessage;
const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
};

describe('learners', () => {
  it('are numbered, or named by a roster, each with a cluster of their own', () => {
    expect(numberedLearners('ws', 2)).toEqual([
      { id: 'learner-1', name: 'Learner 1', cluster: 'ws-learner-1' },
      { id: 'learner-2', name: 'Learner 2', cluster: 'ws-learner-2' },
    ]);
    const roster = parseRoster('ws', '# class of May\nAda Lovelace\n\n  Grace Hopper  \nJosé Núñez\n');
    expect(roster.map((l) => [l.id, l.name, l.cluster])).toEqual([
      ['ada-lovelace', 'Ada Lovelace', 'ws-ada-lovelace'],
      ['grace-hopper', 'Grace Hopper', 'ws-grace-hopper'],
      ['jose-nunez', 'José Núñez', 'ws-jose-nunez'],
    ]);
    expect(chooseLearners(roster, 'Grace Hopper')[0]!.id).toBe('grace-hopper');
    expect(learnerId('x'.repeat(60))).toHaveLength(27);
  });

  it('refuse a roster that names one person twice or no one, with the line', () => {
    expect(() => parseRoster('ws', 'Ada\nada\n', 'names.txt')).toThrow(/names.txt line 2: "ada" and "Ada" would both be learner "ada"/);
    expect(() => parseRoster('ws', 'Ada\n!!!\n', 'names.txt')).toThrow(/names.txt line 2: .* no letter or digit/);
    expect(() => parseRoster('ws', '# nobody\n', 'names.txt')).toThrow(/names no learner/);
    expect(() => numberedLearners('ws', 0)).toThrow(/out of range/);
    expect(() => chooseLearners(numberedLearners('ws', 2), 'learner-9')).toThrow(/no learner "learner-9"/);
  });
});

describe('where the workshop server listens', () => {
  it('is loopback unless --listen says otherwise', () => {
    expect(parseListen()).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListen('192.168.1.20')).toEqual({ host: '192.168.1.20', port: 8443 });
    expect(parseListen('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    for (const bad of ['evil.example:80', '1.2.3.4:99999', 'http://1.2.3.4', '']) expect(() => parseListen(bad)).toThrow(/--listen/);
    expect(serverNames(parseListen())).toEqual(['127.0.0.1', 'localhost', '::1']);
    expect(serverNames(parseListen('192.168.1.20:8443'), ['lab.example.org'])).toEqual(['192.168.1.20', 'lab.example.org']);
    expect(serverNames(parseListen('0.0.0.0:8443'))).toContain('127.0.0.1');
    expect(authority('::1', 8443)).toBe('[::1]:8443');
    expect(authority('lab.example.org', 443)).toBe('lab.example.org');
  });

  it('answers only to its own names in Host and Origin', () => {
    const hosts = { names: ['127.0.0.1', 'localhost', '::1'], port: 8443 };
    expect(checkHost(req({ host: 'localhost:8443' }), hosts)).toBe('localhost');
    expect(statusOf(() => checkHost(req({ host: '[::1]:8443' }), hosts))).toBe(200);
    for (const host of ['evil.example:8443', '127.0.0.1.nip.io:8443', '127.0.0.1:80', '127.0.0.1', ''])
      expect(
        statusOf(() => checkHost(req({ host }), hosts)),
        host,
      ).toBe(403);
    expect(statusOf(() => checkOrigin(req({ origin: 'https://127.0.0.1:8443' }), hosts, true))).toBe(200);
    expect(statusOf(() => checkOrigin(req({}), hosts, false))).toBe(200);
    expect(statusOf(() => checkOrigin(req({}), hosts, true))).toBe(403);
    expect(statusOf(() => checkOrigin(req({ origin: 'http://127.0.0.1:8443' }), hosts, false))).toBe(403);
    expect(statusOf(() => checkOrigin(req({ origin: 'null' }), hosts, false))).toBe(403);
    expect(statusOf(() => checkOrigin(req({ 'sec-fetch-site': 'cross-site' }), hosts, false))).toBe(403);
    expect(statusOf(() => checkOrigin(req({ 'sec-fetch-site': 'same-origin' }), hosts, false))).toBe(200);
  });
});

describe('the kubectl forward', () => {
  it('passes Kubernetes API paths with their query', () => {
    expect(apiPath('/api/v1/namespaces/hello/configmaps?labelSelector=a%3Db', 'GET')).toBe(
      '/api/v1/namespaces/hello/configmaps?labelSelector=a%3Db',
    );
    expect(apiPath('/apis/apps/v1/namespaces/x/deployments/web/scale', 'PATCH')).toBe('/apis/apps/v1/namespaces/x/deployments/web/scale');
    expect(apiPath('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', 'GET')).toMatch(/webhook/);
    expect(apiPath('/version', 'GET')).toBe('/version');
  });

  it('refuses what would make the API server connect where the learner says, and paths that are not plain', () => {
    const refused: [string, string, number][] = [
      ['/api/v1/nodes/kub1/proxy/configz', 'GET', 403],
      ['/api/v1/namespaces/kube-system/services/kube-dns:53/proxy/', 'GET', 403],
      ['/api/v1/namespaces/default/pods/p/exec', 'POST', 403],
      ['/api/v1/namespaces/default/pods/p/attach', 'POST', 403],
      ['/api/v1/namespaces/default/pods/p/portforward', 'POST', 403],
      ['/api/v1/namespaces/default/pods/p/log', 'GET', 403],
      ['/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', 'POST', 403],
      ['/apis/apiregistration.k8s.io/v1/apiservices/v1.x', 'PUT', 403],
      ['/api/v1/../../learners/other/kube/api', 'GET', 400],
      ['/api/v1/%2e%2e/nodes', 'GET', 400],
      ['/api//v1/nodes', 'GET', 400],
      ['/metrics', 'GET', 404],
      ['', 'GET', 404],
    ];
    for (const [path, method, status] of refused)
      expect(
        statusOf(() => apiPath(path, method)),
        `${method} ${path}`,
      ).toBe(status);
  });
});

const result = (exercise: string, check: string, status: 'pass' | 'fail' | 'error', reason: string): CheckResult => ({
  lab: 'hello',
  exercise,
  check,
  title: check,
  status,
  points: status === 'pass' ? 1 : 0,
  maxPoints: 1,
  reason,
  hint: 'try',
  durationMs: 1,
  evidence: [],
});

describe('the grid', () => {
  const learners = numberedLearners('ws', 2);
  const columns = () => [{ lab: 'hello', labTitle: 'Hello', exercise: 'greet', title: 'Say hello' }];

  it('says not started while the checks say what they said when the lab started, ✗ once they differ, ✓ when all pass', () => {
    let now = 1000;
    const events: ChangeEvent[] = [];
    const baseline = [result('greet', 'message', 'fail', 'expected x; found no such ConfigMap')];
    const board = new Board({ learners, columns, baseline: () => baseline, persist: (e) => events.push(e), now: () => now });
    board.record('learner-1', 'hello', baseline);
    expect(board.grid('ws').learners[0]!.cells['hello/greet']).toEqual({ state: 'not-started', since: 1000 });
    now = 2000;
    board.record('learner-1', 'hello', [result('greet', 'message', 'fail', 'expected x; found message "hi"')]);
    expect(board.grid('ws').learners[0]!.cells['hello/greet']).toEqual({ state: 'fail', since: 2000 });
    now = 3000;
    board.record('learner-1', 'hello', [result('greet', 'message', 'fail', 'expected x; found message "hi"')]);
    expect(board.grid('ws').learners[0]!.cells['hello/greet']!.since, 'the same answer is no change').toBe(2000);
    now = 4000;
    board.record('learner-1', 'hello', [result('greet', 'message', 'pass', 'greeting says hello')]);
    const grid = board.grid('ws');
    expect(grid.learners[0]).toMatchObject({ passed: 1, total: 1, stuckMs: null, lastChange: 4000 });
    expect(grid.learners[1]!.cells['hello/greet']!.state).toBe('unknown');
    expect(grid.history.filter((h) => h.learner === 'learner-1').map((h) => h.passed)).toEqual([0, 1]);
    expect(events.map((e) => e.state)).toEqual(['not-started', 'fail', 'pass']);
    // A server that starts again reads its log back: the cells and the chart are as they were.
    const again = new Board({ learners, columns, baseline: () => baseline, replay: events, now: () => 5000 });
    expect(again.grid('ws').learners[0]!.cells['hello/greet']).toEqual({ state: 'pass', since: 4000 });
  });

  it('without a recorded start, takes the first answer it sees as the start; shows a cluster that went down', () => {
    const board = new Board({ learners, columns, baseline: () => undefined, now: () => 10_000 });
    board.record('learner-2', 'hello', [result('greet', 'message', 'fail', 'found nothing')]);
    expect(board.grid('ws').learners[1]!.cells['hello/greet']!.state).toBe('not-started');
    board.record('learner-2', 'hello', [result('greet', 'message', 'error', 'the check could not run')]);
    expect(board.grid('ws').learners[1]!.cells['hello/greet']!.state).toBe('fail');
    board.health('learner-2', 'down', 'cluster down: unreachable');
    expect(board.grid('ws').learners[1]).toMatchObject({ health: 'down', message: 'cluster down: unreachable' });
    expect(board.detail('learner-2').exercises[0]!.failing.map((c) => c.reason)).toEqual(['the check could not run']);
  });

  it('counts how long each learner is stuck: since their checks last changed, while work is left', () => {
    let now = 0;
    const board = new Board({ learners, columns, baseline: () => undefined, now: () => now });
    board.record('learner-1', 'hello', [result('greet', 'message', 'fail', 'a')]);
    now = 60_000;
    board.record('learner-2', 'hello', [result('greet', 'message', 'fail', 'a')]);
    now = 90_000;
    expect(board.grid('ws').learners.map((l) => l.stuckMs)).toEqual([90_000, 30_000]);
  });
});

describe('class reports', () => {
  const lab = defineLab({
    id: 'hello',
    title: 'Hello',
    summary: 's',
    shape: {},
    async setup() {},
    exercises: [
      {
        id: 'greet',
        title: 'Greet',
        task: 't',
        checks: [{ id: 'message', title: 'message', points: 1, hint: 'h', run: async () => ({ pass: true, expected: '', found: '' }) }],
        solution: () => [],
        async reset() {},
      },
    ],
  });
  const [one, two] = numberedLearners('ws', 2);
  const grades: LearnerGrade[] = [
    { learner: one!, results: [result('greet', 'message', 'pass', 'ok')] },
    { learner: two!, results: [result('greet', 'message', 'error', 'the check could not run: down')], error: 'down, "really"' },
  ];

  it('a CSV row per learner, a column per exercise', () => {
    expect(csv(grades, [lab]).split('\n')).toEqual([
      'learner,name,cluster,points,max_points,checks_passed,checks,status,hello/greet',
      'learner-1,Learner 1,ws-learner-1,1,1,1,1,graded,1',
      'learner-2,Learner 2,ws-learner-2,0,1,0,1,"down, ""really""",0',
      '',
    ]);
  });

  it('JUnit with a suite per learner and lab; JSON and Classroom per learner', () => {
    const xml = renderClass('junit', grades, [lab]);
    expect(xml).toContain('<testsuite name="learner-1/hello" tests="1" failures="0" errors="0"');
    expect(xml).toContain('<testsuite name="learner-2/hello" tests="1" failures="0" errors="1"');
    const json = JSON.parse(renderClass('json', grades, [lab]));
    expect(json).toMatchObject({
      points: 1,
      maxPoints: 2,
      learners: [
        { learner: 'learner-1', points: 1 },
        { learner: 'learner-2', error: 'down, "really"' },
      ],
    });
    expect(JSON.parse(renderClass('classroom', grades, [lab]))['learner-1']).toMatchObject({ status: 'pass', max_score: 1 });
  });
});

describe('tokens and limits', () => {
  const record = {
    name: 'ws',
    instructorToken: 'i'.repeat(43),
    learners: numberedLearners('ws', 2).map((l, i) => ({ ...l, token: String(i).repeat(43), created: true })),
  } as WorkshopRecord;
  const keys = new Keys(record);
  const bearer = (token: string) => req({ authorization: `Bearer ${token}` });

  it('a learner token opens that learner alone; the instructor token opens the grid alone', () => {
    expect(keys.learner(bearer('1'.repeat(43))).id).toBe('learner-2');
    expect(statusOf(() => keys.learner(bearer('i'.repeat(43))))).toBe(403);
    expect(statusOf(() => keys.instructor(bearer('0'.repeat(43))))).toBe(403);
    expect(statusOf(() => keys.instructor(bearer('i'.repeat(43))))).toBe(200);
    for (const token of ['', 'i'.repeat(42), 'x'.repeat(43)])
      expect(
        statusOf(() => keys.holder(bearer(token))),
        token,
      ).toBe(401);
  });

  it('the kubeconfig names the learner’s own forward, pins the certificate and carries their token', () => {
    const text = learnerKubeconfig({ learner: record.learners[0]!, workshop: 'ws', host: '::1', port: 8443, cert: 'PEM' });
    const config = parse(text);
    expect(config.clusters[0].cluster).toEqual({
      server: 'https://[::1]:8443/learners/learner-1/kube',
      'certificate-authority-data': Buffer.from('PEM').toString('base64'),
    });
    expect(config.users[0].user).toEqual({ token: '0'.repeat(43) });
    expect(text).not.toContain('1'.repeat(43));
  });

  it('a burst beyond the bucket is refused, and it refills', async () => {
    const bucket = new TokenBucket(50, 3);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    await new Promise((r) => setTimeout(r, 60));
    expect(bucket.take()).toBe(true);
  });
});

describe('kubelab new-lab', () => {
  it('makes a lab that loads (its SDK import resolves from its folder) and validates, and a page with a check button per exercise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-new-lab-'));
    try {
      const made = await newLab('demo-lab', dir);
      const source = readFileSync(made.index, 'utf8');
      expect(source).toContain("id: 'demo-lab'");
      expect(source).toContain("const NAMESPACE = 'demo-lab'");
      const page = readFileSync(made.page, 'utf8');
      expect(page).toContain('title: Demo lab');
      expect(page).toContain('checkButton("demo-lab", "greet")');
      await expect(newLab('demo-lab', dir)).rejects.toThrow(/exists/);
      await expect(newLab('Demo_Lab', dir)).rejects.toThrow(/invalid lab id/);
      expect(pageSource(defineLab((await import(made.index)).default)).split('## Exercise')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
