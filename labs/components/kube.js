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
import {FileAttachment} from "observablehq:stdlib";

const START = "npx kubelab serve";
const STORAGE_KEY = "kubelab.bridge";
const RETRY_MS = [500, 1000, 2000, 5000];

const MESSAGES = {
  "bridge-down": `The kubelab bridge is not answering, so live cells cannot reach the cluster: start it with: ${START} (then open the link it prints).`,
  "cluster-down": `The lab cluster is not running: start it with: ${START}`,
  stale: `This page holds the access key of an earlier run of kubelab serve: open the link the current one printed, or start it with: ${START}`
};

/** An error whose message is fit to show on the page. */
export class KubeError extends Error {
  constructor(message, state, status) {
    super(message);
    this.name = "KubeError";
    this.state = state;
    this.status = status;
  }
}

// ---- credentials --------------------------------------------------------------------------

function readCredentials() {
  const match = /(^#|&)kubelab=(\d{1,5}|here)\.([A-Za-z0-9_-]{20,100})(?=&|$)/.exec(location.hash);
  if (match) {
    const credentials = {port: match[2] === "here" ? 0 : Number(match[2]), token: match[3]};
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    } catch {
      // storage disabled: the key lasts as long as this page
    }
    const rest = location.hash.slice(1).split("&").filter((part) => !part.startsWith("kubelab=")).join("&");
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
    return credentials;
  }
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    if (stored && Number.isInteger(stored.port) && typeof stored.token === "string") return stored;
  } catch {
    // nothing usable stored
  }
  return null;
}

// ---- the banner at the top of the page ----------------------------------------------------

let banner;
let bannerState;

function setState(state, text) {
  if (typeof document === "undefined") return;
  if (!banner) {
    banner = document.createElement("div");
    banner.className = "kubelab-banner";
    banner.setAttribute("role", "status");
    (document.querySelector("#observablehq-main") ?? document.body).prepend(banner);
  }
  if (bannerState === state && banner.textContent === text) return;
  bannerState = state;
  banner.dataset.state = state;
  banner.textContent = text;
}

// ---- the snapshot a build carries ---------------------------------------------------------

let snapshotPromise;

function snapshot() {
  return (snapshotPromise ??= FileAttachment("../data/cluster.json")
    .json()
    .catch(() => ({available: false, reason: "the snapshot file is missing"})));
}

function snapshotBanner(data) {
  if (data.available) {
    const when = new Date(data.takenAt).toUTCString();
    return `This page shows a snapshot of cluster "${data.cluster}" (Kubernetes ${data.kubernetesVersion}) taken ${when}. Live cells and checks need the kubelab bridge: start it with: ${START}, and open the link it prints.`;
  }
  return `No cluster was running when this site was built (${data.reason}), so cells have nothing to show. Start a live cluster with: ${START}`;
}

/** Splits "a=b,c in (x,y)" at the commas outside parentheses. */
function requirements(selector) {
  const parts = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Label selectors as the API server reads them, for filtering the snapshot. */
export function matchesSelector(labels = {}, selector = "") {
  return requirements(selector).every((req) => {
    let m;
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(req))) {
      const values = m[3].split(",").map((v) => v.trim());
      const has = m[1] in labels && values.includes(labels[m[1]]);
      return m[2] === "in" ? has : !has;
    }
    if ((m = /^(\S+?)\s*!=\s*(\S*)$/.exec(req))) return labels[m[1]] !== m[2];
    if ((m = /^(\S+?)\s*==?\s*(\S*)$/.exec(req))) return labels[m[1]] === m[2];
    if ((m = /^!(\S+)$/.exec(req))) return !(m[1] in labels);
    return req in labels;
  });
}

async function fromSnapshot(apiVersion, kind, {namespace, labelSelector} = {}) {
  const data = await snapshot();
  if (!data.available) throw new KubeError(snapshotBanner(data), "snapshot");
  const items = data.objects?.[`${apiVersion}/${kind}`];
  if (!items) throw new KubeError(`The snapshot has no ${kind} objects (${apiVersion}); live cells need the bridge: ${START}`, "snapshot");
  return sorted(items.filter((o) => (!namespace || o.metadata?.namespace === namespace) && matchesSelector(o.metadata?.labels, labelSelector)));
}

// ---- talking to the bridge ----------------------------------------------------------------

function keyOf(object) {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

function sorted(objects) {
  return [...objects].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  return search.toString();
}

class Kube {
  constructor(credentials) {
    this.credentials = credentials;
    /** True when the page can reach a bridge (it may still be down); false in a built site. */
    this.live = credentials !== null;
    if (this.live) {
      setState("connecting", "Connecting to the lab cluster…");
      this.status().catch(() => {});
    } else {
      snapshot().then((data) => setState("snapshot", snapshotBanner(data)));
    }
  }

  /** One request to the bridge; failures become KubeErrors with a message for the page. */
  async request(path, {method = "GET", body, signal} = {}) {
    if (!this.live) throw new KubeError(`Live cells need the kubelab bridge: start it with: ${START}`, "snapshot");
    const {port, token} = this.credentials;
    let response;
    try {
      response = await fetch(port === 0 ? path : `http://127.0.0.1:${port}${path}`, {
        method,
        signal,
        cache: "no-store",
        headers: {Authorization: `Bearer ${token}`, ...(body === undefined ? {} : {"Content-Type": "application/json"})},
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      setState("bridge-down", MESSAGES["bridge-down"]);
      throw new KubeError(MESSAGES["bridge-down"], "bridge-down");
    }
    if (response.ok) return response;
    const message = (await response.json().catch(() => null))?.error ?? `HTTP ${response.status}`;
    if (response.status === 401) {
      setState("stale", MESSAGES.stale);
      throw new KubeError(MESSAGES.stale, "stale", 401);
    }
    if (response.status === 503) {
      setState("cluster-down", MESSAGES["cluster-down"]);
      throw new KubeError(`${message}`, "cluster-down", 503);
    }
    throw new KubeError(message, "error", response.status);
  }

  async json(path, options) {
    const data = await (await this.request(path, options)).json();
    this.markLive();
    return data;
  }

  markLive() {
    setState("live", this.cluster ? `Live: cells read cluster "${this.cluster}" through the kubelab bridge.` : "Live: cells read the lab cluster through the kubelab bridge.");
  }

  /** {cluster, reachable, message?}: is the cluster answering? */
  async status() {
    const data = await (await this.request("/api/v1/status")).json();
    this.cluster = data.cluster;
    if (data.reachable) this.markLive();
    else setState("cluster-down", MESSAGES["cluster-down"]);
    return data;
  }

  /** The objects of a kind, sorted by namespace and name. */
  async list(apiVersion, kind, {namespace, labelSelector} = {}) {
    if (!this.live) return fromSnapshot(apiVersion, kind, {namespace, labelSelector});
    const data = await this.json(`/api/v1/objects?${query({apiVersion, kind, namespace, labelSelector})}`);
    return sorted(data.items);
  }

  /** One object, or null when there is none of that name. */
  async get(apiVersion, kind, name, namespace) {
    if (!this.live) return (await fromSnapshot(apiVersion, kind, {namespace})).find((o) => o.metadata?.name === name) ?? null;
    return this.json(`/api/v1/object?${query({apiVersion, kind, name, namespace})}`);
  }

  /**
   * The objects of a kind as an async generator: it yields the whole current array first and
   * again after every change. It reconnects by itself, resuming where it left off.
   */
  watch(apiVersion, kind, {namespace, labelSelector} = {}) {
    if (!this.live) return snapshotWatch(apiVersion, kind, {namespace, labelSelector});
    this.hub ??= new WatchHub(this);
    const selection = {apiVersion, kind};
    if (namespace) selection.namespace = namespace;
    if (labelSelector) selection.labelSelector = labelSelector;
    return new Watch(this.hub, selection);
  }

  /** Runs a lab's checks (all, or one exercise's) on the cluster. */
  async check(labId, exerciseId, {timeoutMs} = {}) {
    const data = await this.json("/api/v1/check", {method: "POST", body: {lab: labId, ...(exerciseId ? {exercise: exerciseId} : {}), ...(timeoutMs === undefined ? {} : {timeoutMs})}});
    return data.results;
  }

  /** One of the bridge's allowed changes: scale, cordon, uncordon, evict. */
  async action(name, params = {}) {
    return this.json(`/api/v1/actions/${encodeURIComponent(name)}`, {method: "POST", body: {params}});
  }
}

async function* snapshotWatch(apiVersion, kind, options) {
  yield await fromSnapshot(apiVersion, kind, options);
}

/**
 * All of a page's watches share one stream from the bridge: a browser keeps at most six
 * connections to a host, and every open stream holds one. When the set of watches changes
 * the hub opens a new stream, and each watch resumes from its last resourceVersion.
 */
class WatchHub {
  constructor(kube) {
    this.kube = kube;
    this.watches = new Map();
    this.nextId = 0;
    this.generation = 0;
    this.attempt = 0;
    this.controller = null;
    this.timer = null;
  }

  add(watch) {
    const id = `w${++this.nextId}`;
    this.watches.set(id, watch);
    this.reconnect(10);
    return id;
  }

  remove(id) {
    if (this.watches.delete(id)) this.reconnect(10);
  }

  reconnect(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  async connect() {
    this.controller?.abort();
    const generation = ++this.generation;
    if (!this.watches.size) return;
    const controller = (this.controller = new AbortController());
    const watches = [...this.watches].map(([id, w]) => ({id, ...w.selection, ...(w.resourceVersion ? {resourceVersion: w.resourceVersion} : {})}));
    try {
      const response = await this.kube.request("/api/v1/watch", {method: "POST", body: {watches}, signal: controller.signal});
      this.kube.markLive();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        this.attempt = 0;
        buffer += value;
        const lines = buffer.split("\n");
        buffer = lines.pop();
        for (const line of lines) if (line) this.dispatch(JSON.parse(line));
      }
    } catch (error) {
      if (controller.signal.aborted || generation !== this.generation) return;
      if (error instanceof KubeError && error.state === "stale") return; // the banner says what to do; a retry cannot help
      if (error instanceof KubeError && error.state === "error") {
        for (const watch of this.watches.values()) watch.fail(error);
        return;
      }
    }
    if (controller.signal.aborted || generation !== this.generation) return;
    // The stream broke or ended: the bridge went away (or restarts). Say so and try again.
    if (bannerState !== "cluster-down") setState("bridge-down", MESSAGES["bridge-down"]);
    this.reconnect(RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]);
  }

  dispatch(message) {
    if (message.type === "PING") return;
    if (message.type === "STATUS") {
      if (message.ok) this.kube.markLive();
      else setState("cluster-down", MESSAGES["cluster-down"]);
      return;
    }
    this.watches.get(message.id)?.handle(message);
  }
}

/** One watch, as an async iterator of the current objects that `return()` stops at once. */
class Watch {
  constructor(hub, selection) {
    this.hub = hub;
    this.selection = selection;
    this.objects = new Map();
    this.resourceVersion = undefined;
    this.changed = false;
    this.error = null;
    this.closed = false;
    this.waiters = [];
    this.id = hub.add(this);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    while (!this.closed && !this.changed && !this.error) await new Promise((resolve) => this.waiters.push(resolve));
    if (this.error) throw this.error;
    if (this.closed) return {done: true, value: undefined};
    this.changed = false;
    return {done: false, value: sorted(this.objects.values())};
  }

  async return(value) {
    if (!this.closed) {
      this.closed = true;
      this.hub.remove(this.id);
      this.wake();
    }
    return {done: true, value};
  }

  async throw(error) {
    await this.return();
    throw error;
  }

  wake() {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  fail(error) {
    this.error = error;
    this.hub.remove(this.id);
    this.wake();
  }

  handle(message) {
    switch (message.type) {
      case "LIST":
        this.objects = new Map(message.items.map((o) => [keyOf(o), o]));
        this.resourceVersion = message.resourceVersion;
        this.hub.kube.markLive();
        break;
      case "ADDED":
      case "MODIFIED":
        this.objects.set(keyOf(message.object), message.object);
        this.resourceVersion = message.object.metadata?.resourceVersion ?? this.resourceVersion;
        break;
      case "DELETED":
        this.objects.delete(keyOf(message.object));
        this.resourceVersion = message.object.metadata?.resourceVersion ?? this.resourceVersion;
        break;
      case "BOOKMARK":
        this.resourceVersion = message.resourceVersion;
        return;
      case "ERROR":
        this.fail(new KubeError(message.message, "error", message.status));
        return;
      default:
        return;
    }
    this.changed = true;
    this.wake();
  }
}

let shared;

/** The page's connection to the lab cluster (one per page). */
export function connect() {
  return (shared ??= new Kube(readCredentials()));
}

// ---- DOM helpers --------------------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A button that runs a lab's checks (or one exercise's) and shows each result: ✓ or ✗, the
 * reason, and for a failed check the hint.
 */
export function checkButton(labId, exerciseId) {
  const root = element("div", "kubelab-check");
  root.dataset.lab = labId;
  if (exerciseId) root.dataset.exercise = exerciseId;
  root.dataset.state = "idle";
  const button = element("button", "", exerciseId ? "Check this exercise" : "Check the lab");
  const summary = element("span", "kubelab-check-summary");
  const list = element("ul", "kubelab-check-results");
  root.append(button, summary, list);

  button.addEventListener("click", async () => {
    button.disabled = true;
    root.dataset.state = "checking";
    summary.textContent = "checking…";
    list.replaceChildren();
    try {
      const results = await connect().check(labId, exerciseId);
      list.replaceChildren(...results.map(resultItem));
      const passed = results.filter((r) => r.status === "pass").length;
      const points = results.reduce((sum, r) => sum + r.points, 0);
      const max = results.reduce((sum, r) => sum + r.maxPoints, 0);
      const ok = passed === results.length;
      root.dataset.state = ok ? "pass" : "fail";
      summary.textContent = `${ok ? "✓" : "✗"} ${passed} of ${results.length} checks pass — ${points}/${max} points`;
    } catch (error) {
      root.dataset.state = "error";
      summary.textContent = `✗ ${error.message}`;
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
export function afterPass(labId, exerciseId, render) {
  const root = element("div", "kubelab-after-pass");
  root.dataset.lab = labId;
  root.dataset.exercise = exerciseId;
  root.dataset.state = "hidden";
  const note = element("p", "kubelab-after-pass-note", "This shows the exercise’s answer, so it stays hidden until your solution passes its checks.");
  const button = element("button", "", "Check, and show it if I passed");
  const status = element("span", "kubelab-after-pass-status");
  root.append(note, button, status);
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "checking…";
    try {
      const results = await connect().check(labId, exerciseId);
      const failing = results.filter((r) => r.status !== "pass");
      if (failing.length) {
        status.textContent = `not yet: ${failing.length} of ${results.length} checks fail (see “Check this exercise”)`;
        return;
      }
      const content = await render();
      root.dataset.state = "shown";
      root.replaceChildren(content instanceof Node ? content : text(String(content)));
    } catch (error) {
      status.textContent = `✗ ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });
  return root;
}

function resultItem(result) {
  const item = element("li", `kubelab-check-result ${result.status}`);
  item.dataset.check = result.check;
  item.append(element("span", "mark", result.status === "pass" ? "✓" : "✗"), element("span", "title", result.title));
  item.append(element("div", "reason", result.reason));
  if (result.status !== "pass") item.append(element("div", "hint", result.hint));
  return item;
}

/** A paragraph (or another element) holding plain text. */
export function text(content, tag = "p") {
  return element(tag, "", content);
}

/** A plain table of rows (objects with the same keys); the keys are the column heads. */
export function table(rows, columns = rows.length ? Object.keys(rows[0]) : []) {
  const node = element("table", "kubelab-table");
  const head = element("tr");
  head.append(...columns.map((c) => element("th", "", c)));
  node.append(element("thead"), element("tbody"));
  node.tHead.append(head);
  for (const row of rows) {
    const tr = element("tr");
    tr.append(...columns.map((c) => element("td", "", row[c] === undefined || row[c] === null ? "" : String(row[c]))));
    node.tBodies[0].append(tr);
  }
  return node;
}

/** The columns `kubectl get nodes` shows, for one Node object. */
export function nodeRow(node) {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((l) => l.startsWith("node-role.kubernetes.io/"))
    .map((l) => l.slice("node-role.kubernetes.io/".length));
  return {
    name: node.metadata?.name,
    status: [ready ? "Ready" : "NotReady", ...(node.spec?.unschedulable ? ["SchedulingDisabled"] : [])].join(","),
    roles: roles.join(",") || "<none>",
    "max pods": node.status?.allocatable?.pods,
    version: node.status?.nodeInfo?.kubeletVersion
  };
}
