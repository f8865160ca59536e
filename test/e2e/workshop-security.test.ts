// The workshop server against hostile requests, on real learner clusters. Each learner's cluster
// is reached through a byte-counting TCP proxy: for every refused request, not one byte may go to
// any cluster, and the server's own count of calls must not move. Valid requests before and after
// prove that the proxies and the counts do see traffic, and that one learner's token reads their
// own cluster only.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { Board } from '../../src/workshop/board.ts';
import { Grader } from '../../src/workshop/grader.ts';
import { learnerKubeconfig } from '../../src/workshop/server/kubeconfig.ts';
import { learnerAccess, startWorkshopServer, type WorkshopServer } from '../../src/workshop/server/server.ts';
import { selfSignedTls, type ServerTls } from '../../src/workshop/server/tls.ts';
import { requireWorkshop, type LearnerRecord, type WorkshopRecord } from '../../src/workshop/state.ts';
import { run, useHome } from './env.ts';
import { countingProxy, EXAMPLE_LABS, rawTls, type Answer, type CountingProxy } from './workshop-helpers.ts';

useHome();

const WORKSHOP = 'e2e';
const NAMES = ['127.0.0.1', 'localhost', '::1'];
const dir = mkdtempSync(join(tmpdir(), 'kubelab-workshop-security-'));
let record: WorkshopRecord;
let tls: ServerTls;
let server: WorkshopServer;
const proxies: Record<string, CountingProxy> = {};
let one: LearnerRecord;
let two: LearnerRecord;

interface Req {
  method?: string;
  path: string;
  /** undefined: the server's own; null: none. */
  host?: string | null;
  origin?: string | null;
  /** undefined: learner 1's; null: none. */
  token?: string | null;
  headers?: Record<string, string>;
  body?: string;
}

function send(r: Req): Promise<Answer> {
  const lines = [`${r.method ?? 'GET'} ${r.path} HTTP/1.1`];
  const host = r.host === undefined ? `127.0.0.1:${server.port}` : r.host;
  if (host !== null) lines.push(`Host: ${host}`);
  const method = r.method ?? 'GET';
  // A browser on the workshop's own page sends Origin on a POST, and nothing for a same-origin GET.
  const origin =
    r.origin === undefined ? (method === 'POST' && !r.path.startsWith('/learners/') ? `https://127.0.0.1:${server.port}` : null) : r.origin;
  if (origin !== null) lines.push(`Origin: ${origin}`);
  const token = r.token === undefined ? one.token : r.token;
  if (token !== null) lines.push(`Authorization: Bearer ${token}`);
  for (const [k, v] of Object.entries(r.headers ?? {})) lines.push(`${k}: ${v}`);
  if (r.body !== undefined && !r.headers?.['Content-Length']) lines.push(`Content-Length: ${Buffer.byteLength(r.body)}`);
  lines.push('Connection: close');
  return rawTls(server.port, tls.cert, `${lines.join('\r\n')}\r\n\r\n`, r.body ?? '');
}

const json = { 'Content-Type': 'application/json' };
const NODES = '/api/v1/objects?apiVersion=v1&kind=Node';
const kube = (learner: string, path: string) => `/learners/${learner}/kube${path}`;
const CM = '/api/v1/namespaces/default/configmaps';

const bytes = () => Object.values(proxies).reduce((sum, p) => sum + p.bytes, 0);
const calls = () => server.forwarded('learner-1') + server.forwarded('learner-2');

/** Each hostile request and the status it must get. */
const hostile: [string, number, () => Req][] = [
  // tokens
  ['no token on the bridge', 401, () => ({ path: NODES, token: null })],
  ['a wrong token', 401, () => ({ path: NODES, token: 'x'.repeat(43) })],
  ['a learner token one character short', 401, () => ({ path: NODES, token: one.token.slice(0, -1) })],
  ['the token in the query string', 401, () => ({ path: `${NODES}&token=${one.token}`, token: null })],
  [
    'Basic instead of Bearer',
    401,
    () => ({ path: NODES, token: null, headers: { Authorization: `Basic ${Buffer.from(`x:${one.token}`).toString('base64')}` } }),
  ],
  ['the instructor token on a learner’s cells', 403, () => ({ path: NODES, token: record.instructorToken })],
  // one learner, another learner's cluster
  ['learner 2’s token on learner 1’s kubectl path', 403, () => ({ path: kube('learner-1', `${CM}/only-learner-1`), token: two.token })],
  ['learner 1’s token on learner 2’s kubectl path', 403, () => ({ path: kube('learner-2', CM) })],
  [
    'learner 2’s token writing into learner 1’s cluster',
    403,
    () => ({ method: 'POST', path: kube('learner-1', CM), token: two.token, headers: json, body: '{"metadata":{"name":"x"}}' }),
  ],
  ['the instructor token on a kubectl path', 403, () => ({ path: kube('learner-1', '/api'), token: record.instructorToken })],
  ['no token on a kubectl path', 401, () => ({ path: kube('learner-1', '/api'), token: null })],
  ['a kubectl path of a learner who does not exist', 403, () => ({ path: kube('nobody', '/api') })],
  [
    'traversal from one learner’s path to another’s',
    400,
    () => ({ path: kube('learner-2', '/../../learners/learner-1/kube/api/v1/nodes'), token: two.token }),
  ],
  [
    'encoded traversal in a kubectl path',
    400,
    () => ({ path: kube('learner-2', '/api/v1/%2e%2e/%2e%2e/%2e%2e/learners/learner-1/kube/api'), token: two.token }),
  ],
  // the instructor's page and routes
  ['a learner reading the instructor’s grid', 403, () => ({ path: '/workshop/api/grid' })],
  ['a learner opening the instructor’s stream', 403, () => ({ path: '/workshop/api/stream', token: two.token })],
  ['a learner reading another learner’s failing checks', 403, () => ({ path: '/workshop/api/learners/learner-2' })],
  ['no token on the grid', 401, () => ({ path: '/workshop/api/grid', token: null })],
  ['a wrong token on the grid', 401, () => ({ path: '/workshop/api/grid', token: `${record.instructorToken.slice(0, -1)}x` })],
  ['the instructor token asking for a kubeconfig', 403, () => ({ path: '/workshop/api/kubeconfig', token: record.instructorToken })],
  ['no token asking for a kubeconfig', 401, () => ({ path: '/workshop/api/kubeconfig', token: null })],
  [
    'POST on the grid',
    405,
    () => ({ method: 'POST', path: '/workshop/api/grid', token: record.instructorToken, headers: json, body: '{}' }),
  ],
  ['POST to the instructor’s page', 405, () => ({ method: 'POST', path: '/workshop/instructor/', token: null, headers: json, body: '{}' })],
  // Host (DNS rebinding) and Origin
  ['a foreign Host on the bridge', 403, () => ({ path: NODES, host: `evil.example:${server.port}` })],
  ['a rebinding Host that starts with 127.0.0.1', 403, () => ({ path: NODES, host: `127.0.0.1.nip.io:${server.port}` })],
  ['the server’s name with another port', 403, () => ({ path: NODES, host: '127.0.0.1:443' })],
  ['no Host header', 400, () => ({ path: NODES, host: null })],
  ['a foreign Host on a kubectl path', 403, () => ({ path: kube('learner-1', '/api'), host: `evil.example:${server.port}` })],
  [
    'a foreign Host on the grid',
    403,
    () => ({ path: '/workshop/api/grid', token: record.instructorToken, host: `evil.example:${server.port}` }),
  ],
  [
    'a foreign Host on the instructor’s page',
    403,
    () => ({ path: '/workshop/instructor/', token: null, host: `evil.example:${server.port}` }),
  ],
  ['a foreign Origin on the bridge', 403, () => ({ path: NODES, origin: 'https://evil.example' })],
  ['Origin null', 403, () => ({ path: NODES, origin: 'null' })],
  ['the server’s origin over http', 403, () => ({ path: NODES, origin: `http://127.0.0.1:${server.port}` })],
  [
    'a check POSTed without Origin (not from a page)',
    403,
    () => ({ method: 'POST', path: '/api/v1/check', origin: null, headers: json, body: '{"lab":"hello"}' }),
  ],
  ['a cross-site fetch (Sec-Fetch-Site)', 403, () => ({ path: NODES, headers: { 'Sec-Fetch-Site': 'cross-site' } })],
  [
    'a foreign Origin on the grid',
    403,
    () => ({ path: '/workshop/api/grid', token: record.instructorToken, origin: 'https://evil.example' }),
  ],
  ['a web page on a kubectl path (Origin)', 403, () => ({ path: kube('learner-1', '/api'), origin: `https://127.0.0.1:${server.port}` })],
  [
    'a web page on a kubectl path (Sec-Fetch-Mode)',
    403,
    () => ({ path: kube('learner-1', '/api'), headers: { 'Sec-Fetch-Mode': 'cors' } }),
  ],
  // what the forward refuses: the API server would connect where the learner says
  ['a node proxy', 403, () => ({ path: kube('learner-1', '/api/v1/nodes/kub1/proxy/configz') })],
  ['a service proxy', 403, () => ({ path: kube('learner-1', '/api/v1/namespaces/kube-system/services/kube-dns:53/proxy/') })],
  ['a pod proxy', 403, () => ({ path: kube('learner-1', '/api/v1/namespaces/default/pods/p:80/proxy/') })],
  ['pods/exec', 403, () => ({ method: 'POST', path: kube('learner-1', '/api/v1/namespaces/default/pods/p/exec?command=sh') })],
  ['pods/log', 403, () => ({ path: kube('learner-1', '/api/v1/namespaces/kube-system/pods/p/log?container=c') })],
  ['pods/attach', 403, () => ({ method: 'POST', path: kube('learner-1', '/api/v1/namespaces/default/pods/p/attach') })],
  ['pods/portforward', 403, () => ({ method: 'POST', path: kube('learner-1', '/api/v1/namespaces/default/pods/p/portforward?ports=80') })],
  [
    'exec as a WebSocket upgrade',
    403,
    () => ({
      path: kube('learner-1', '/api/v1/namespaces/default/pods/p/exec?command=sh'),
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version': '13',
      },
    }),
  ],
  [
    'an admission webhook',
    403,
    () => ({
      method: 'POST',
      path: kube('learner-1', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations'),
      headers: json,
      body: '{"metadata":{"name":"w"},"webhooks":[]}',
    }),
  ],
  [
    'an APIService',
    403,
    () => ({
      method: 'POST',
      path: kube('learner-1', '/apis/apiregistration.k8s.io/v1/apiservices'),
      headers: json,
      body: '{"metadata":{"name":"v1.x.example"}}',
    }),
  ],
  [
    'a CRD with a conversion webhook',
    403,
    () => ({
      method: 'POST',
      path: kube('learner-1', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'),
      headers: json,
      body: '{"spec":{"conversion":{"strategy":"Webhook","webhook":{"clientConfig":{"url":"https://10.0.0.1/"}}}}}',
    }),
  ],
  ['a path that is not the Kubernetes API', 404, () => ({ path: kube('learner-1', '/metrics') })],
  [
    'a kubectl body over the limit',
    413,
    () => ({ method: 'POST', path: kube('learner-1', CM), headers: { ...json, 'Content-Length': String(4 * 1024 * 1024) } }),
  ],
  // the bridge's own rules, per learner
  ['reading Secrets through the cells', 403, () => ({ path: '/api/v1/objects?apiVersion=v1&kind=Secret&namespace=kube-system' })],
  [
    'an exec action',
    404,
    () => ({
      method: 'POST',
      path: '/api/v1/actions/exec',
      headers: json,
      body: '{"params":{"namespace":"default","name":"p","command":["sh"]}}',
    }),
  ],
  [
    'an oversized check body',
    413,
    () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: JSON.stringify({ lab: 'x'.repeat(100_000) }) }),
  ],
  [
    'a text/plain check (no preflight)',
    415,
    () => ({ method: 'POST', path: '/api/v1/check', headers: { 'Content-Type': 'text/plain' }, body: '{"lab":"hello"}' }),
  ],
  ['DELETE on objects', 405, () => ({ method: 'DELETE', path: NODES })],
  ['path traversal on the bridge', 404, () => ({ path: '/api/v1/../../learners/learner-1/kube/api/v1/nodes' })],
  // the site
  ['a dot-dot path out of the site to its key', 404, () => ({ path: '/../tls/server.key', token: null })],
  ['an encoded dot-dot path out of the site', 404, () => ({ path: '/%2e%2e/tls/server.key', token: null })],
  ['an encoded slash out of the site', 404, () => ({ path: '/..%2ftls%2fserver.key', token: null })],
  ['POST on the site', 405, () => ({ method: 'POST', path: '/index.html', token: null, headers: json, body: '{}' })],
];

describe('the workshop server refuses hostile requests before they reach any cluster', () => {
  beforeAll(async () => {
    const up = run(['--labs', EXAMPLE_LABS, 'workshop', 'up', '--learners', '2', '--name', WORKSHOP]);
    if (up.status !== 0) throw new Error(`kubelab workshop up failed: ${up.stderr}`);
    record = requireWorkshop(WORKSHOP);
    [one, two] = record.learners as [LearnerRecord, LearnerRecord];
    const kubeconfigs: Record<string, string> = {};
    for (const learner of [one, two]) {
      const real = readFileSync(learnerAccess(record, learner).kubeconfig, 'utf8');
      const apiPort = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(real)![1]);
      proxies[learner.id] = await countingProxy(apiPort);
      kubeconfigs[learner.id] = join(dir, `${learner.id}.yaml`);
      writeFileSync(
        kubeconfigs[learner.id]!,
        real.replace(`https://127.0.0.1:${apiPort}`, `https://127.0.0.1:${proxies[learner.id]!.port}`),
      );
    }
    tls = await selfSignedTls(join(dir, 'tls'), NAMES);
    // A site whose folder has the server's key next to it: nothing may reach out of the folder.
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<!doctype html><title>labs</title>');
    const board = new Board({ learners: record.learners, columns: () => [], baseline: () => undefined });
    // No grading here: the proxies count what requests cause, and nothing else.
    const grader = new Grader({ board, clusters: new Map(), labs: () => [], everyMs: 0, parallel: 1 });
    server = await startWorkshopServer({
      record,
      listen: { host: '127.0.0.1', port: 0 },
      names: NAMES,
      tls,
      board,
      grader,
      labs: () => [],
      siteDir: join(dir, 'site'),
      kubeconfigOf: (learner) => kubeconfigs[learner.id],
    });
  });

  afterAll(async () => {
    await server?.close();
    for (const proxy of Object.values(proxies)) await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback, over TLS with the certificate it was given', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves each learner their own cluster: valid requests reach it, through its proxy', async () => {
    const before = { one: proxies['learner-1']!.bytes, two: proxies['learner-2']!.bytes, calls: calls() };
    const nodes = await send({ path: NODES, headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(nodes.status, nodes.body).toBe(200);
    expect(JSON.parse(nodes.body).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain('kub1');
    const created = await send({
      method: 'POST',
      path: kube('learner-1', CM),
      headers: json,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'only-learner-1' }, data: { owner: 'learner-1' } }),
    });
    expect([201, 409], created.body).toContain(created.status);
    expect(proxies['learner-1']!.bytes).toBeGreaterThan(before.one);
    expect(proxies['learner-2']!.bytes, 'learner 1’s requests reached learner 2’s cluster').toBe(before.two);
    expect(calls()).toBeGreaterThan(before.calls);
    expect((await send({ path: '/', token: null })).body).toContain('<title>labs</title>');
    const object = '/api/v1/object?apiVersion=v1&kind=ConfigMap&namespace=default&name=only-learner-1';
    expect(JSON.parse((await send({ path: object })).body).data).toEqual({ owner: 'learner-1' });
    // Learner 2's token opens learner 2's cluster, where there is no such ConfigMap.
    const theirs = await send({ path: object, token: two.token });
    expect(theirs.status, theirs.body).toBe(200);
    expect(JSON.parse(theirs.body)).toBeNull();
    expect(proxies['learner-2']!.bytes).toBeGreaterThan(before.two);
  });

  it('each learner’s kubectl reaches their own cluster through their kubeconfig, and nobody else’s', async () => {
    const kubectl = (await ensureBinaries()).path('kubectl');
    const run = (learner: LearnerRecord, ...args: string[]) => {
      const file = join(dir, `kubeconfig-${learner.id}.yaml`);
      writeFileSync(file, learnerKubeconfig({ learner, workshop: WORKSHOP, host: '127.0.0.1', port: server.port, cert: tls.cert }));
      return new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(kubectl, ['--kubeconfig', file, ...args]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      });
    };
    const mine = await run(one, 'get', 'configmap', 'only-learner-1', '-n', 'default', '-o', 'jsonpath={.data.owner}');
    expect(mine, mine.out).toEqual({ code: 0, out: 'learner-1' });
    const theirs = await run(two, 'get', 'configmap', 'only-learner-1', '-n', 'default');
    expect(theirs.code).not.toBe(0);
    expect(theirs.out).toMatch(/NotFound|not found/);
    const exec = await run(one, 'exec', '-n', 'kube-system', 'deploy/coredns', '--', 'sh');
    expect(exec.code).not.toBe(0);
  });

  it(`refuses ${hostile.length} hostile requests with the right status, and nothing reaches a cluster`, async () => {
    expect(hostile.length).toBeGreaterThanOrEqual(40);
    const before = { bytes: bytes(), calls: calls() };
    const wrong: string[] = [];
    for (const [what, status, make] of hostile) {
      const answer = await send(make());
      if (answer.status !== status) wrong.push(`${what}: expected ${status}, got ${answer.status} ${answer.body.slice(0, 160)}`);
      if (answer.headers['access-control-allow-origin'] !== undefined)
        wrong.push(`${what}: CORS granted to ${answer.headers['access-control-allow-origin']}`);
    }
    expect(wrong).toEqual([]);
    expect(calls(), 'calls the server made to a cluster').toBe(before.calls);
    expect(bytes(), 'bytes sent towards the API servers').toBe(before.bytes);
  });

  it('a learner who asks too fast is slowed down, and nothing reaches a cluster for it', async () => {
    const before = { bytes: bytes(), calls: calls() };
    const statuses: number[] = [];
    // Far more at once than the bucket holds (its burst, and what refills while they run).
    for (let batch = 0; batch < 6; batch++)
      statuses.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => send({ path: '/api/v1/actions', token: two.token })))).map((a) => a.status),
      );
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect({ bytes: bytes(), calls: calls() }).toEqual(before);
  });
});
