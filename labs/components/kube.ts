// Live cells for the lab pages: read, watch and check the lab cluster through the kubelab
// bridge (src/bridge/), a local server that `npx kubelab serve` starts next to this site.
//
//   import {connect, checkButton} from "./components/kube.js";
//   const kube = connect();
//   const nodes = kube.watch("v1", "Node");          // in a cell: the current nodes, live
//   await kube.list("v1", "Pod", {namespace: "default", labelSelector: "app=web"});
//   await kube.get("apps/v1", "Deployment", "web", "default");   // null when it does not exist
//   await kube.check("drain", "cordon");             // CheckResult[]
//   await kube.action("cordon", {node: "kub2"});     // scale, cordon, uncordon, evict
//   display(checkButton("drain", "cordon"));
//
// How the page gets access: `kubelab serve` prints a link whose fragment holds the bridge's
// port and a random token made for that run (#kubelab=<port>.<token>). A fragment never
// leaves the browser (not sent to the preview server, not in Referer headers); this module
// moves it into localStorage, which only pages of this origin can read, and removes it from
// the address bar. Each request carries it as a Bearer token; the bridge also refuses other
// origins and non-loopback Host names. A build of the site has no token: there the cells show
// the snapshot of the cluster the build's data loader took (data/cluster.json).
// A workshop server (kubelab workshop serve) serves the site and each learner's bridge on one
// HTTPS origin: its links say `#kubelab=here.<token>`, stored as port 0, "this page's origin".
//
// Every watch of a page shares one stream from the bridge (see WatchHub), and each says on the
// page when the bridge or the cluster is down, then resumes by itself when they are back.
import type { KubernetesObject, V1Node } from '@kubernetes/client-node';
import { FileAttachment } from 'observablehq:stdlib';
import type { ActionResult } from '../../src/bridge/actions.ts';
import type { Selection } from '../../src/bridge/params.ts';
import type { CheckResult } from '../../src/engine/run.ts';

const START = 'npx kubelab serve';
const STORAGE_KEY = 'kubelab.bridge';
const RETRY_MS = [500, 1000, 2000, 5000];

/** What the banner says: the states of the page's connection, or the snapshot a build shows. */
type BannerState = 'connecting' | 'live' | 'bridge-down' | 'cluster-down' | 'stale' | 'snapshot';
/** Why a request failed: the bridge or cluster is down, the page's key is stale, a built site has no bridge, or the bridge said no. */
export type KubeErrorState = 'bridge-down' | 'cluster-down' | 'stale' | 'snapshot' | 'error';

const MESSAGES: Record<'bridge-down' | 'cluster-down' | 'stale', string> = {
  'bridge-down': `The kubelab bridge is not answering, so live cells cannot reach the cluster: start it with: ${START} (then open the link it prints).`,
  'cluster-down': `The lab cluster is not running: start it with: ${START}`,
  stale: `This page holds the access key of an earlier run of kubelab serve: open the link the current one printed, or start it with: ${START}`,
};

/** An error whose message is fit to show on the page. */
export class KubeError extends Error {
  readonly state: KubeErrorState;
  readonly status: number | undefined;

  constructor(message: string, state: KubeErrorState, status?: number) {
    super(message);
    this.name = 'KubeError';
    this.state = state;
    this.status = status;
  }
}

// ---- credentials --------------------------------------------------------------------------

/** The bridge's port (0: this page's origin, a workshop server) and the run's token. */
interface Credentials {
  port: number;
  token: string;
}

function readCredentials(): Credentials | null {
  const match = /(^#|&)kubelab=(\d{1,5}|here)\.([A-Za-z0-9_-]{20,100})(?=&|$)/.exec(location.hash);
  if (match) {
    const credentials: Credentials = { port: match[2] === 'here' ? 0 : Number(match[2]), token: match[3]! };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    } catch {
      // storage disabled: the key lasts as long as this page
    }
    const rest = location.hash
      .slice(1)
      .split('&')
      .filter((part) => !part.startsWith('kubelab='))
      .join('&');
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return credentials;
  }
  try {
    const stored: Partial<Credentials> | null = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (stored && Number.isInteger(stored.port) && typeof stored.token === 'string') return { port: stored.port!, token: stored.token };
  } catch {
    // nothing usable stored
  }
  return null;
}

// ---- the banner at the top of the page ----------------------------------------------------

let banner: HTMLDivElement | undefined;
let bannerState: BannerState | undefined;

function setState(state: BannerState, text: string): void {
  if (typeof document === 'undefined') return;
  if (!banner) {
    banner = document.createElement('div');
    banner.className = 'kubelab-banner';
    banner.setAttribute('role', 'status');
    (document.querySelector('#observablehq-main') ?? document.body).prepend(banner);
  }
  if (bannerState === state && banner.textContent === text) return;
  bannerState = state;
  banner.dataset.state = state;
  banner.textContent = text;
}

// ---- the snapshot a build carries ---------------------------------------------------------

/** What data/cluster.json holds: the loader (data/cluster.json.ts) writes this type. */
export type Snapshot =
  | {
      available: true;
      cluster: string;
      takenAt: string;
      kubernetesVersion: string;
      apiVersions: string[];
      /** The objects of each kind the pages show, by "<apiVersion>/<kind>". */
      objects: Record<string, KubernetesObject[]>;
    }
  | { available: false; cluster?: string; reason: string };

let snapshotPromise: Promise<Snapshot> | undefined;

function snapshot(): Promise<Snapshot> {
  snapshotPromise ??= (FileAttachment('../data/cluster.json').json() as Promise<Snapshot>).catch(
    (): Snapshot => ({ available: false, reason: 'the snapshot file is missing' }),
  );
  return snapshotPromise;
}

function snapshotBanner(data: Snapshot): string {
  if (data.available) {
    const when = new Date(data.takenAt).toUTCString();
    return `This page shows a snapshot of cluster "${data.cluster}" (Kubernetes ${data.kubernetesVersion}) taken ${when}. Live cells and checks need the kubelab bridge: start it with: ${START}, and open the link it prints.`;
  }
  return `No cluster was running when this site was built (${data.reason}), so cells have nothing to show. Start a live cluster with: ${START}`;
}

/** Splits "a=b,c in (x,y)" at the commas outside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Label selectors as the API server reads them, for filtering the snapshot. */
export function matchesSelector(labels: Record<string, string> = {}, selector = ''): boolean {
  return requirements(selector).every((req) => {
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(req);
    if (set) {
      const key = set[1]!;
      const values = set[3]!.split(',').map((v) => v.trim());
      const has = key in labels && values.includes(labels[key]!);
      return set[2] === 'in' ? has : !has;
    }
    const notEqual = /^(\S+?)\s*!=\s*(\S*)$/.exec(req);
    if (notEqual) return labels[notEqual[1]!] !== notEqual[2];
    const equal = /^(\S+?)\s*==?\s*(\S*)$/.exec(req);
    if (equal) return labels[equal[1]!] === equal[2];
    const absent = /^!(\S+)$/.exec(req);
    if (absent) return !(absent[1]! in labels);
    return req in labels;
  });
}

/** Which objects of a kind: in one namespace (all when omitted), matching a label selector. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
}

async function fromSnapshot(apiVersion: string, kind: string, { namespace, labelSelector }: ListOptions = {}): Promise<KubernetesObject[]> {
  const data = await snapshot();
  if (!data.available) throw new KubeError(snapshotBanner(data), 'snapshot');
  const items = data.objects?.[`${apiVersion}/${kind}`];
  if (!items) throw new KubeError(`The snapshot has no ${kind} objects (${apiVersion}); live cells need the bridge: ${START}`, 'snapshot');
  return sorted(
    items.filter((o) => (!namespace || o.metadata?.namespace === namespace) && matchesSelector(o.metadata?.labels, labelSelector)),
  );
}

// ---- talking to the bridge ----------------------------------------------------------------

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function sorted(objects: Iterable<KubernetesObject>): KubernetesObject[] {
  return [...objects].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  return search.toString();
}

/** What a request to the bridge may carry. */
interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
}

/** The bridge's answer to /api/v1/status. */
export interface ClusterStatus {
  cluster: string;
  reachable: boolean;
  message?: string;
}

class Kube {
  readonly credentials: Credentials | null;
  /** True when the page can reach a bridge (it may still be down); false in a built site. */
  readonly live: boolean;
  /** The cluster's name, once the bridge said it. */
  cluster: string | undefined;
  hub: WatchHub | undefined;

  constructor(credentials: Credentials | null) {
    this.credentials = credentials;
    this.live = credentials !== null;
    if (this.live) {
      setState('connecting', 'Connecting to the lab cluster…');
      this.status().catch(() => {});
    } else {
      snapshot().then((data) => setState('snapshot', snapshotBanner(data)));
    }
  }

  /** One request to the bridge; failures become KubeErrors with a message for the page. */
  async request(path: string, { method = 'GET', body, signal }: RequestOptions = {}): Promise<Response> {
    if (!this.credentials) throw new KubeError(`Live cells need the kubelab bridge: start it with: ${START}`, 'snapshot');
    const { port, token } = this.credentials;
    let response: Response;
    try {
      response = await fetch(port === 0 ? path : `http://127.0.0.1:${port}${path}`, {
        method,
        signal,
        cache: 'no-store',
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      setState('bridge-down', MESSAGES['bridge-down']);
      throw new KubeError(MESSAGES['bridge-down'], 'bridge-down');
    }
    if (response.ok) return response;
    const message = (await response.json().catch(() => null))?.error ?? `HTTP ${response.status}`;
    if (response.status === 401) {
      setState('stale', MESSAGES.stale);
      throw new KubeError(MESSAGES.stale, 'stale', 401);
    }
    if (response.status === 503) {
      setState('cluster-down', MESSAGES['cluster-down']);
      throw new KubeError(`${message}`, 'cluster-down', 503);
    }
    throw new KubeError(message, 'error', response.status);
  }

  /** The JSON the bridge answered, as the route sends it (src/bridge/routes.ts). */
  async json<T>(path: string, options?: RequestOptions): Promise<T> {
    const data: T = await (await this.request(path, options)).json();
    this.markLive();
    return data;
  }

  markLive(): void {
    setState(
      'live',
      this.cluster
        ? `Live: cells read cluster "${this.cluster}" through the kubelab bridge.`
        : 'Live: cells read the lab cluster through the kubelab bridge.',
    );
  }

  /** {cluster, reachable, message?}: is the cluster answering? */
  async status(): Promise<ClusterStatus> {
    const data: ClusterStatus = await (await this.request('/api/v1/status')).json();
    this.cluster = data.cluster;
    if (data.reachable) this.markLive();
    else setState('cluster-down', MESSAGES['cluster-down']);
    return data;
  }

  /** The objects of a kind, sorted by namespace and name. */
  async list(apiVersion: string, kind: string, { namespace, labelSelector }: ListOptions = {}): Promise<KubernetesObject[]> {
    if (!this.live) return fromSnapshot(apiVersion, kind, { namespace, labelSelector });
    const data = await this.json<{ items: KubernetesObject[] }>(`/api/v1/objects?${query({ apiVersion, kind, namespace, labelSelector })}`);
    return sorted(data.items);
  }

  /** One object, or null when there is none of that name. */
  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubernetesObject | null> {
    if (!this.live) return (await fromSnapshot(apiVersion, kind, { namespace })).find((o) => o.metadata?.name === name) ?? null;
    return this.json<KubernetesObject | null>(`/api/v1/object?${query({ apiVersion, kind, name, namespace })}`);
  }

  /**
   * The objects of a kind as an async generator: it yields the whole current array first and
   * again after every change. It reconnects by itself, resuming where it left off.
   */
  watch(apiVersion: string, kind: string, { namespace, labelSelector }: ListOptions = {}): AsyncIterableIterator<KubernetesObject[]> {
    if (!this.live) return snapshotWatch(apiVersion, kind, { namespace, labelSelector });
    this.hub ??= new WatchHub(this);
    const selection: Selection = { apiVersion, kind };
    if (namespace) selection.namespace = namespace;
    if (labelSelector) selection.labelSelector = labelSelector;
    return new Watch(this.hub, selection);
  }

  /** Runs a lab's checks (all, or one exercise's) on the cluster. */
  async check(labId: string, exerciseId?: string, { timeoutMs }: { timeoutMs?: number } = {}): Promise<CheckResult[]> {
    const data = await this.json<{ results: CheckResult[] }>('/api/v1/check', {
      method: 'POST',
      body: { lab: labId, ...(exerciseId ? { exercise: exerciseId } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    });
    return data.results;
  }

  /** One of the bridge's allowed changes: scale, cordon, uncordon, evict. */
  async action(name: string, params: Record<string, unknown> = {}): Promise<ActionResult> {
    return this.json<ActionResult>(`/api/v1/actions/${encodeURIComponent(name)}`, { method: 'POST', body: { params } });
  }
}

export type { Kube };

async function* snapshotWatch(apiVersion: string, kind: string, options: ListOptions): AsyncGenerator<KubernetesObject[], void> {
  yield await fromSnapshot(apiVersion, kind, options);
}

/**
 * All of a page's watches share one stream from the bridge: a browser keeps at most six
 * connections to a host, and every open stream holds one. When the set of watches changes
 * the hub opens a new stream, and each watch resumes from its last resourceVersion.
 */
class WatchHub {
  readonly kube: Kube;
  readonly watches = new Map<string, Watch>();
  nextId = 0;
  generation = 0;
  attempt = 0;
  controller: AbortController | null = null;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(kube: Kube) {
    this.kube = kube;
  }

  add(watch: Watch): string {
    const id = `w${++this.nextId}`;
    this.watches.set(id, watch);
    this.reconnect(10);
    return id;
  }

  remove(id: string): void {
    if (this.watches.delete(id)) this.reconnect(10);
  }

  reconnect(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  async connect(): Promise<void> {
    this.controller?.abort();
    const generation = ++this.generation;
    if (!this.watches.size) return;
    const controller = new AbortController();
    this.controller = controller;
    const watches = [...this.watches].map(([id, w]) => ({
      id,
      ...w.selection,
      ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}),
    }));
    try {
      const response = await this.kube.request('/api/v1/watch', { method: 'POST', body: { watches }, signal: controller.signal });
      this.kube.markLive();
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.attempt = 0;
        buffer += value;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line) this.dispatch(JSON.parse(line));
      }
    } catch (error) {
      if (controller.signal.aborted || generation !== this.generation) return;
      if (error instanceof KubeError && error.state === 'stale') return; // the banner says what to do; a retry cannot help
      if (error instanceof KubeError && error.state === 'error') {
        for (const watch of this.watches.values()) watch.fail(error);
        return;
      }
    }
    if (controller.signal.aborted || generation !== this.generation) return;
    // The stream broke or ended: the bridge went away (or restarts). Say so and try again.
    if (bannerState !== 'cluster-down') setState('bridge-down', MESSAGES['bridge-down']);
    this.reconnect(RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]!);
  }

  dispatch(message: WatchMessage): void {
    if (message.type === 'PING') return;
    if (message.type === 'STATUS') {
      if (message.ok) this.kube.markLive();
      else setState('cluster-down', MESSAGES['cluster-down']);
      return;
    }
    this.watches.get(message.id)?.handle(message);
  }
}

/** One watch, as an async iterator of the current objects that `return()` stops at once. */
class Watch implements AsyncIterableIterator<KubernetesObject[]> {
  readonly hub: WatchHub;
  readonly selection: Selection;
  objects = new Map<string, KubernetesObject>();
  resourceVersion: string | undefined = undefined;
  changed = false;
  error: KubeError | null = null;
  closed = false;
  waiters: (() => void)[] = [];
  readonly id: string;

  constructor(hub: WatchHub, selection: Selection) {
    this.hub = hub;
    this.selection = selection;
    this.id = hub.add(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<KubernetesObject[], undefined>> {
    while (!this.closed && !this.changed && !this.error) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.error) throw this.error;
    if (this.closed) return { done: true, value: undefined };
    this.changed = false;
    return { done: false, value: sorted(this.objects.values()) };
  }

  async return<T>(value?: T): Promise<IteratorReturnResult<T | undefined>> {
    if (!this.closed) {
      this.closed = true;
      this.hub.remove(this.id);
      this.wake();
    }
    return { done: true, value };
  }

  async throw(error?: unknown): Promise<never> {
    await this.return();
    throw error;
  }

  wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  fail(error: KubeError): void {
    this.error = error;
    this.hub.remove(this.id);
    this.wake();
  }

  handle(message: WatchMessage & { id: string }): void {
    switch (message.type) {
      case 'LIST':
        this.objects = new Map(message.items.map((o) => [keyOf(o), o]));
        this.resourceVersion = message.resourceVersion;
        this.hub.kube.markLive();
        break;
      case 'ADDED':
      case 'MODIFIED':
        this.objects.set(keyOf(message.object), message.object);
        this.resourceVersion = message.object.metadata?.resourceVersion ?? this.resourceVersion;
        break;
      case 'DELETED':
        this.objects.delete(keyOf(message.object));
        this.resourceVersion = message.object.metadata?.resourceVersion ?? this.resourceVersion;
        break;
      case 'BOOKMARK':
        this.resourceVersion = message.resourceVersion;
        return;
      case 'ERROR':
        this.fail(new KubeError(message.message, 'error', message.status));
        return;
      default:
        return;
    }
    this.changed = true;
    this.wake();
  }
}

/**
 * One line of the bridge's watch stream (src/bridge/watch.ts): every message but PING names
 * its watch; STATUS says whether the cluster answers.
 */
type WatchMessage =
  | { type: 'PING'; id?: undefined }
  | { id: string; type: 'STATUS'; ok: boolean; message?: string }
  | { id: string; type: 'LIST'; items: KubernetesObject[]; resourceVersion: string }
  | { id: string; type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubernetesObject }
  | { id: string; type: 'BOOKMARK'; resourceVersion: string }
  | { id: string; type: 'ERROR'; status: number; message: string };

let shared: Kube | undefined;

/** The page's connection to the lab cluster (one per page). */
export function connect(): Kube {
  shared ??= new Kube(readCredentials());
  return shared;
}

// ---- DOM helpers --------------------------------------------------------------------------

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A button that runs a lab's checks (or one exercise's) and shows each result: ✓ or ✗, the
 * reason, and for a failed check the hint.
 */
export function checkButton(labId: string, exerciseId?: string): HTMLDivElement {
  const root = element('div', 'kubelab-check');
  root.dataset.lab = labId;
  if (exerciseId) root.dataset.exercise = exerciseId;
  root.dataset.state = 'idle';
  const button = element('button', '', exerciseId ? 'Check this exercise' : 'Check the lab');
  const summary = element('span', 'kubelab-check-summary');
  const list = element('ul', 'kubelab-check-results');
  root.append(button, summary, list);

  button.addEventListener('click', async () => {
    button.disabled = true;
    root.dataset.state = 'checking';
    summary.textContent = 'checking…';
    list.replaceChildren();
    try {
      const results = await connect().check(labId, exerciseId);
      list.replaceChildren(...results.map(resultItem));
      const passed = results.filter((r) => r.status === 'pass').length;
      const points = results.reduce((sum, r) => sum + r.points, 0);
      const max = results.reduce((sum, r) => sum + r.maxPoints, 0);
      const ok = passed === results.length;
      root.dataset.state = ok ? 'pass' : 'fail';
      summary.textContent = `${ok ? '✓' : '✗'} ${passed} of ${results.length} checks pass — ${points}/${max} points`;
    } catch (error) {
      root.dataset.state = 'error';
      summary.textContent = `✗ ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
  return root;
}

/**
 * Content that would give an exercise's answer away, held back until that exercise's checks
 * pass: the page shows a button that checks, and renders the content only once every check of
 * the exercise passes. `render` is called then (and may return a Node, text or a Promise of one).
 */
export function afterPass(labId: string, exerciseId: string, render: () => Content | Promise<Content>): HTMLDivElement {
  const root = element('div', 'kubelab-after-pass');
  root.dataset.lab = labId;
  root.dataset.exercise = exerciseId;
  root.dataset.state = 'hidden';
  const note = element(
    'p',
    'kubelab-after-pass-note',
    'This shows the exercise’s answer, so it stays hidden until your solution passes its checks.',
  );
  const button = element('button', '', 'Check, and show it if I passed');
  const status = element('span', 'kubelab-after-pass-status');
  root.append(note, button, status);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'checking…';
    try {
      const results = await connect().check(labId, exerciseId);
      const failing = results.filter((r) => r.status !== 'pass');
      if (failing.length) {
        status.textContent = `not yet: ${failing.length} of ${results.length} checks fail (see “Check this exercise”)`;
        return;
      }
      const content = await render();
      root.dataset.state = 'shown';
      root.replaceChildren(content instanceof Node ? content : text(String(content)));
    } catch (error) {
      status.textContent = `✗ ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
  return root;
}

/** What afterPass may render: a Node, or text for a paragraph. */
type Content = Node | string | number;

function resultItem(result: CheckResult): HTMLLIElement {
  const item = element('li', `kubelab-check-result ${result.status}`);
  item.dataset.check = result.check;
  item.append(element('span', 'mark', result.status === 'pass' ? '✓' : '✗'), element('span', 'title', result.title));
  item.append(element('div', 'reason', result.reason));
  if (result.status !== 'pass') item.append(element('div', 'hint', result.hint));
  return item;
}

/** A paragraph (or another element) holding plain text. */
export function text(content: string, tag: keyof HTMLElementTagNameMap = 'p'): HTMLElement {
  return element(tag, '', content);
}

/** A plain table of rows (objects with the same keys); the keys are the column heads. */
export function table(
  rows: readonly Record<string, unknown>[],
  columns: string[] = rows.length ? Object.keys(rows[0]!) : [],
): HTMLTableElement {
  const node = element('table', 'kubelab-table');
  const head = element('tr');
  head.append(...columns.map((c) => element('th', '', c)));
  node.append(element('thead'), element('tbody'));
  node.tHead!.append(head);
  for (const row of rows) {
    const tr = element('tr');
    tr.append(...columns.map((c) => element('td', '', row[c] === undefined || row[c] === null ? '' : String(row[c]))));
    node.tBodies[0]!.append(tr);
  }
  return node;
}

/** The columns `kubectl get nodes` shows, for one Node object. */
export function nodeRow(node: V1Node): Record<string, string | undefined> {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length));
  return {
    name: node.metadata?.name,
    status: [ready ? 'Ready' : 'NotReady', ...(node.spec?.unschedulable ? ['SchedulingDisabled'] : [])].join(','),
    roles: roles.join(',') || '<none>',
    'max pods': node.status?.allocatable?.pods,
    version: node.status?.nodeInfo?.kubeletVersion,
  };
}
