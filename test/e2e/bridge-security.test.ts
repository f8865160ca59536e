// The bridge against hostile requests, on a real cluster. The bridge reaches the API server
// through a counting TCP proxy: for every refused request, not one byte may go to the cluster
// (and the bridge's own count of forwarded calls must not move). Valid requests before and
// after prove that the proxy and the count do see traffic when there is some.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/server.ts';
import { countingProxy, parseAnswer, type Answer, type CountingProxy } from './counting-proxy.ts';
import { CLUSTER, ensureCluster, kubeconfig, useHome } from './env.ts';

useHome();

const SITE = 'http://127.0.0.1:3999';

/** One HTTP/1.1 request written byte for byte, so Host, Origin and framing are exactly as given. */
function raw(port: number, head: string, body: string | Buffer = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', () => {}); // a refused upload may be cut off mid-write; the answer is what counts
    socket.on('close', () => {
      try {
        resolve(parseAnswer(data));
      } catch (error) {
        reject(error);
      }
    });
    // No half-close (end()): like a browser, keep the socket open; "Connection: close" ends it.
    socket.write(head);
    socket.write(body);
    socket.setTimeout(20_000, () => socket.destroy());
  });
}

interface Req {
  method?: string;
  path: string;
  host?: string | null;
  origin?: string | null;
  token?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
  chunked?: boolean;
}

let bridge: Bridge;
let proxy: CountingProxy;
const dir = mkdtempSync(join(tmpdir(), 'kubelab-bridge-'));

function send(r: Req): Promise<Answer> {
  const lines = [`${r.method ?? 'GET'} ${r.path} HTTP/1.1`];
  const host = r.host === undefined ? `127.0.0.1:${bridge.port}` : r.host;
  if (host !== null) lines.push(`Host: ${host}`);
  const origin = r.origin === undefined ? SITE : r.origin;
  if (origin !== null) lines.push(`Origin: ${origin}`);
  const token = r.token === undefined ? bridge.token : r.token;
  if (token !== null) lines.push(`Authorization: Bearer ${token}`);
  for (const [k, v] of Object.entries(r.headers ?? {})) lines.push(`${k}: ${v}`);
  let body: string | Buffer = r.body ?? '';
  if (r.chunked) {
    lines.push('Transfer-Encoding: chunked');
    body = Buffer.concat([Buffer.from(`${Buffer.byteLength(body).toString(16)}\r\n`), Buffer.from(body), Buffer.from('\r\n0\r\n\r\n')]);
  } else if (r.body !== undefined && !r.headers?.['Content-Length']) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  lines.push('Connection: close');
  return raw(bridge.port, `${lines.join('\r\n')}\r\n\r\n`, body);
}

const json = { 'Content-Type': 'application/json' };
const watch = (w: Record<string, string>) => JSON.stringify({ watches: [{ id: 'w1', ...w }] });
const NODES = '/api/v1/objects?apiVersion=v1&kind=Node';

/** Each hostile request and the status it must get. */
const hostile: [string, number, () => Req][] = [
  // token
  ['no token', 401, () => ({ path: NODES, token: null })],
  ['a wrong token', 401, () => ({ path: NODES, token: 'x'.repeat(43) })],
  ['a token one character short', 401, () => ({ path: NODES, token: bridge.token.slice(0, -1) })],
  ['the token in the query string instead of the header', 401, () => ({ path: `${NODES}&token=${bridge.token}`, token: null })],
  [
    'Basic instead of Bearer',
    401,
    () => ({ path: NODES, token: null, headers: { Authorization: `Basic ${Buffer.from(`x:${bridge.token}`).toString('base64')}` } }),
  ],
  [
    'a watch without token',
    401,
    () => ({ method: 'POST', path: '/api/v1/watch', token: null, headers: json, body: watch({ apiVersion: 'v1', kind: 'Pod' }) }),
  ],
  [
    'a check without token',
    401,
    () => ({ method: 'POST', path: '/api/v1/check', token: null, headers: json, body: '{"lab":"api-versions"}' }),
  ],
  [
    'an action without token',
    401,
    () => ({ method: 'POST', path: '/api/v1/actions/cordon', token: null, headers: json, body: '{"params":{"node":"kub2"}}' }),
  ],
  // origin
  ['a foreign Origin', 403, () => ({ path: NODES, origin: 'http://evil.example' })],
  ['no Origin', 403, () => ({ path: NODES, origin: null })],
  ['Origin null (sandboxed frame, file://)', 403, () => ({ path: NODES, origin: 'null' })],
  ['the site host on another port', 403, () => ({ path: NODES, origin: 'http://127.0.0.1:1' })],
  ['the site over https', 403, () => ({ path: NODES, origin: SITE.replace('http:', 'https:') })],
  ['localhost instead of the site’s own 127.0.0.1', 403, () => ({ path: NODES, origin: SITE.replace('127.0.0.1', 'localhost') })],
  [
    'an action from a foreign Origin',
    403,
    () => ({
      method: 'POST',
      path: '/api/v1/actions/scale',
      origin: 'http://evil.example',
      headers: json,
      body: '{"params":{"namespace":"default","name":"x","replicas":1}}',
    }),
  ],
  [
    'a preflight from a foreign Origin',
    403,
    () => ({
      method: 'OPTIONS',
      path: NODES,
      origin: 'http://evil.example',
      token: null,
      headers: { 'Access-Control-Request-Method': 'GET' },
    }),
  ],
  // host (DNS rebinding)
  ['a rebinding Host', 403, () => ({ path: NODES, host: `evil.example:${bridge.port}` })],
  ['a rebinding Host that starts with 127.0.0.1', 403, () => ({ path: NODES, host: `127.0.0.1.nip.io:${bridge.port}` })],
  ['a loopback Host with another port', 403, () => ({ path: NODES, host: '127.0.0.1:80' })],
  ['a Host without port', 403, () => ({ path: NODES, host: 'localhost' })],
  ['no Host header', 400, () => ({ path: NODES, host: null })],
  // size and time
  [
    'an oversized body',
    413,
    () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: JSON.stringify({ lab: 'x'.repeat(100_000) }) }),
  ],
  [
    'an oversized chunked body',
    413,
    () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: JSON.stringify({ lab: 'x'.repeat(100_000) }), chunked: true }),
  ],
  ['a GET declaring a large body', 413, () => ({ path: NODES, headers: { 'Content-Length': '200000' } })],
  ['an overlong URL', 414, () => ({ path: `${NODES}&labelSelector=${'a'.repeat(3000)}` })],
  ['an oversized header', 431, () => ({ path: NODES, headers: { 'X-Padding': 'p'.repeat(10_000) } })],
  // paths that reach into pods or proxies, and traversal
  ['path traversal to pods/exec', 404, () => ({ path: '/api/v1/../../api/v1/namespaces/default/pods/p/exec?command=sh' })],
  ['encoded path traversal', 404, () => ({ path: '/api/v1/%2e%2e/%2e%2e/api/v1/nodes' })],
  ['a doubled slash', 404, () => ({ path: '/api//v1/objects?apiVersion=v1&kind=Node' })],
  ['the exec subresource', 404, () => ({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/exec?command=sh&stdin=true' })],
  ['the attach subresource', 404, () => ({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/attach' })],
  ['the portforward subresource', 404, () => ({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/portforward?ports=80' })],
  ['a service proxy', 404, () => ({ path: '/api/v1/namespaces/kube-system/services/kube-dns:53/proxy/' })],
  ['a node proxy', 404, () => ({ path: '/api/v1/nodes/kub1/proxy/configz' })],
  ['a pod log', 404, () => ({ path: '/api/v1/namespaces/kube-system/pods/x/log' })],
  ['exec as an object name', 400, () => ({ path: '/api/v1/object?apiVersion=v1&kind=Pod&namespace=default&name=p/exec' })],
  ['exec as a kind', 400, () => ({ path: '/api/v1/objects?apiVersion=v1&kind=pods/exec' })],
  ['a path as apiVersion', 400, () => ({ path: '/api/v1/objects?apiVersion=../../api/v1/namespaces/default/pods/p/exec&kind=Pod' })],
  [
    'a query smuggled in a label selector',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/watch',
      headers: json,
      body: watch({ apiVersion: 'v1', kind: 'Pod', labelSelector: 'a=b&watch=false' }),
    }),
  ],
  ['a field selector (not offered)', 400, () => ({ path: `${NODES}&fieldSelector=metadata.name%3Dkub1` })],
  ['a parameter given twice', 400, () => ({ path: `${NODES}&namespace=a&namespace=b` })],
  [
    'a resourceVersion that is not a number',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/watch',
      headers: json,
      body: watch({ apiVersion: 'v1', kind: 'Pod', resourceVersion: '1;rm' }),
    }),
  ],
  [
    'watching Secrets',
    403,
    () => ({ method: 'POST', path: '/api/v1/watch', headers: json, body: watch({ apiVersion: 'v1', kind: 'Secret' }) }),
  ],
  [
    'too many watches in one stream',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/watch',
      headers: json,
      body: JSON.stringify({ watches: Array.from({ length: 100 }, (_, i) => ({ id: `w${i}`, apiVersion: 'v1', kind: 'Pod' })) }),
    }),
  ],
  [
    'the same watch id twice',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/watch',
      headers: json,
      body: JSON.stringify({
        watches: [
          { id: 'a', apiVersion: 'v1', kind: 'Pod' },
          { id: 'a', apiVersion: 'v1', kind: 'Node' },
        ],
      }),
    }),
  ],
  [
    'an unknown field in a watch',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/watch',
      headers: json,
      body: watch({ apiVersion: 'v1', kind: 'Pod', fieldSelector: 'spec.nodeName=kub1' }),
    }),
  ],
  ['GET on watch', 405, () => ({ path: '/api/v1/watch?apiVersion=v1&kind=Pod' })],
  ['reading Secrets', 403, () => ({ path: '/api/v1/objects?apiVersion=v1&kind=Secret&namespace=kube-system' })],
  // actions outside the allowlist, or with bad parameters
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
  ['a port-forward action', 404, () => ({ method: 'POST', path: '/api/v1/actions/port-forward', headers: json, body: '{"params":{}}' })],
  ['a proxy action', 404, () => ({ method: 'POST', path: '/api/v1/actions/proxy', headers: json, body: '{"params":{}}' })],
  [
    'a delete action',
    404,
    () => ({ method: 'POST', path: '/api/v1/actions/delete', headers: json, body: '{"params":{"kind":"Node","name":"kub1"}}' }),
  ],
  ['a prototype key as action', 404, () => ({ method: 'POST', path: '/api/v1/actions/constructor', headers: json, body: '{"params":{}}' })],
  [
    'scaling in kube-system',
    403,
    () => ({
      method: 'POST',
      path: '/api/v1/actions/scale',
      headers: json,
      body: '{"params":{"namespace":"kube-system","name":"coredns","replicas":0}}',
    }),
  ],
  [
    'scaling to 100000 replicas',
    400,
    () => ({
      method: 'POST',
      path: '/api/v1/actions/scale',
      headers: json,
      body: '{"params":{"namespace":"default","name":"web","replicas":100000}}',
    }),
  ],
  [
    'cordoning a path',
    400,
    () => ({ method: 'POST', path: '/api/v1/actions/cordon', headers: json, body: '{"params":{"node":"../namespaces/default"}}' }),
  ],
  [
    'an action with an extra parameter',
    400,
    () => ({ method: 'POST', path: '/api/v1/actions/cordon', headers: json, body: '{"params":{"node":"kub2","force":true}}' }),
  ],
  // bodies
  ['malformed JSON', 400, () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: '{"lab": "api-versions",' })],
  ['a JSON array', 400, () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: '["api-versions"]' })],
  [
    'an unknown body field',
    400,
    () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: '{"lab":"api-versions","command":"id"}' }),
  ],
  ['an unknown lab', 404, () => ({ method: 'POST', path: '/api/v1/check', headers: json, body: '{"lab":"no-such-lab"}' })],
  [
    'a text/plain body (no preflight)',
    415,
    () => ({ method: 'POST', path: '/api/v1/check', headers: { 'Content-Type': 'text/plain' }, body: '{"lab":"api-versions"}' }),
  ],
  [
    'a form body (CSRF)',
    415,
    () => ({
      method: 'POST',
      path: '/api/v1/actions/cordon',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'params[node]=kub2',
    }),
  ],
  // methods
  ['DELETE on objects', 405, () => ({ method: 'DELETE', path: NODES })],
  ['PUT on check', 405, () => ({ method: 'PUT', path: '/api/v1/check', headers: json, body: '{}' })],
  ['GET on check', 405, () => ({ path: '/api/v1/check' })],
  ['POST on objects', 405, () => ({ method: 'POST', path: NODES, headers: json, body: '{}' })],
  ['PATCH on an action', 405, () => ({ method: 'PATCH', path: '/api/v1/actions/cordon', headers: json, body: '{}' })],
  [
    'a preflight for DELETE',
    405,
    () => ({ method: 'OPTIONS', path: NODES, token: null, headers: { 'Access-Control-Request-Method': 'DELETE' } }),
  ],
  [
    'a preflight asking for another header',
    403,
    () => ({
      method: 'OPTIONS',
      path: NODES,
      token: null,
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, x-kubernetes-impersonate' },
    }),
  ],
  ['an unknown path', 404, () => ({ path: '/api/v1/secrets' })],
];

describe('the bridge refuses hostile requests before they reach the cluster', () => {
  beforeAll(async () => {
    ensureCluster();
    const real = readFileSync(kubeconfig(), 'utf8');
    const apiPort = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(real)![1]);
    proxy = await countingProxy(apiPort);
    writeFileSync(join(dir, 'kubeconfig'), real.replace(`https://127.0.0.1:${apiPort}`, `https://127.0.0.1:${proxy.port}`));
    bridge = await startBridge({ cluster: { name: CLUSTER, kubeconfig: join(dir, 'kubeconfig') }, siteOrigin: SITE });
  });

  afterAll(async () => {
    await bridge?.close();
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds to loopback only', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the site: valid requests reach the cluster, through the proxy', async () => {
    const before = { bytes: proxy.bytes, calls: bridge.cluster.forwarded };
    const answer = await send({ path: NODES });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(SITE);
    expect(JSON.parse(answer.body).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain('kub1');
    expect(proxy.bytes).toBeGreaterThan(before.bytes);
    expect(bridge.cluster.forwarded).toBeGreaterThan(before.calls);
    const preflight = await send({
      method: 'OPTIONS',
      path: NODES,
      token: null,
      headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SITE);
  });

  it(`refuses ${hostile.length} hostile requests with the right status, and nothing reaches the cluster`, async () => {
    expect(hostile.length).toBeGreaterThanOrEqual(30);
    const before = { bytes: proxy.bytes, calls: bridge.cluster.forwarded };
    const wrong: string[] = [];
    for (const [what, status, make] of hostile) {
      const answer = await send(make());
      if (answer.status !== status) wrong.push(`${what}: expected ${status}, got ${answer.status} ${answer.body.slice(0, 120)}`);
      const allowed = answer.headers['access-control-allow-origin'];
      if (allowed !== undefined && allowed !== SITE) wrong.push(`${what}: CORS granted to ${allowed}`);
      if (make().origin !== undefined && make().origin !== SITE && allowed !== undefined)
        wrong.push(`${what}: CORS header sent to a foreign origin`);
    }
    expect(wrong).toEqual([]);
    expect(bridge.cluster.forwarded, 'calls the bridge made to the cluster').toBe(before.calls);
    expect(proxy.bytes, 'bytes sent towards the API server').toBe(before.bytes);
  });

  it('still serves the site afterwards, and a refused action left the node alone', async () => {
    const answer = await send({ path: '/api/v1/object?apiVersion=v1&kind=Node&name=kub2' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).spec?.unschedulable).toBeFalsy();
  });

  it('the allowed actions work: cordon and uncordon a node', async () => {
    const cordon = await send({ method: 'POST', path: '/api/v1/actions/cordon', headers: json, body: '{"params":{"node":"kub2"}}' });
    expect(cordon.status, cordon.body).toBe(200);
    expect(JSON.parse((await send({ path: '/api/v1/object?apiVersion=v1&kind=Node&name=kub2' })).body).spec.unschedulable).toBe(true);
    const uncordon = await send({ method: 'POST', path: '/api/v1/actions/uncordon', headers: json, body: '{"params":{"node":"kub2"}}' });
    expect(uncordon.status, uncordon.body).toBe(200);
    expect(JSON.parse((await send({ path: '/api/v1/object?apiVersion=v1&kind=Node&name=kub2' })).body).spec.unschedulable).toBeFalsy();
  });

  it('one stream carries several watches: the list, then changes, and a failed watch alone', async () => {
    const controller = new AbortController();
    const response = await fetch(`${bridge.url}/api/v1/watch`, {
      method: 'POST',
      headers: { Origin: SITE, Authorization: `Bearer ${bridge.token}`, ...json },
      body: JSON.stringify({
        watches: [
          { id: 'nodes', apiVersion: 'v1', kind: 'Node' },
          { id: 'bad', apiVersion: 'v1', kind: 'NoSuchKind' },
        ],
      }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const lines = async (n: number) => {
      while (text.split('\n').filter(Boolean).length < n) text += (await reader.read()).value ?? '';
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    };
    const first = await lines(2);
    // A kind the cluster does not serve fails its own watch, not the stream.
    expect(first.find((m) => m.id === 'bad')).toMatchObject({ type: 'ERROR', status: 404 });
    const list = first.find((m) => m.id === 'nodes');
    expect(list.type).toBe('LIST');
    expect(list.items).toHaveLength(3);
    await send({ method: 'POST', path: '/api/v1/actions/cordon', headers: json, body: '{"params":{"node":"kub3"}}' });
    let events = await lines(3);
    while (
      !events.some((e) => e.id === 'nodes' && e.type === 'MODIFIED' && e.object.metadata.name === 'kub3' && e.object.spec.unschedulable)
    )
      events = await lines(events.length + 1);
    controller.abort();
    const seen = events
      .filter((e) => e.id === 'nodes')
      .map((e) => e.object?.metadata.resourceVersion ?? e.resourceVersion)
      .at(-1);

    // Disconnected, the node changes; a stream that resumes from the last resourceVersion gets
    // just that change, not a new list.
    await send({ method: 'POST', path: '/api/v1/actions/uncordon', headers: json, body: '{"params":{"node":"kub3"}}' });
    const resumed = await fetch(`${bridge.url}/api/v1/watch`, {
      method: 'POST',
      headers: { Origin: SITE, Authorization: `Bearer ${bridge.token}`, ...json },
      body: JSON.stringify({ watches: [{ id: 'nodes', apiVersion: 'v1', kind: 'Node', resourceVersion: seen }] }),
    });
    const again = resumed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const messages: { type: string; object?: { metadata: { name: string }; spec?: { unschedulable?: boolean } } }[] = [];
    // (the node controller may still add its unschedulable taint first: wait for the uncordon itself)
    const uncordoned = (m: (typeof messages)[number]) => m.object?.metadata.name === 'kub3' && !m.object.spec?.unschedulable;
    try {
      while (!messages.some(uncordoned)) {
        buffer += (await again.read()).value ?? '';
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        messages.push(...parts.filter(Boolean).map((p) => JSON.parse(p)));
      }
    } finally {
      await again.cancel();
    }
    expect(messages.map((m) => m.type)).not.toContain('LIST');
    expect(messages.find(uncordoned)!.type).toBe('MODIFIED');
  });
});
