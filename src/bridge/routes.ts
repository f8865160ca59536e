// The bridge's API: every path, its method, and what it asks of the cluster.
//   GET  /api/v1/status                                   is the cluster answering?
//   GET  /api/v1/objects?apiVersion&kind[&namespace][&labelSelector]   list
//   GET  /api/v1/object?apiVersion&kind&name[&namespace]              get
//   POST /api/v1/watch    {"watches": [{"id", "apiVersion", "kind", "namespace"?, "labelSelector"?, "resourceVersion"?}]}
//                                                         one NDJSON stream for them all (see watch.ts)
//   POST /api/v1/check    {"lab", "exercise"?, "timeoutMs"?}   run checks → {results}
//   GET  /api/v1/actions                                   the allowed actions
//   POST /api/v1/actions/<name>  {"params": {...}}         one allowed change
import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionParams, actions, findAction } from './actions.ts';
import type { Cluster } from './cluster.ts';
import { HttpError, sendJson } from './http.ts';
import { limits, readBody } from './limits.ts';
import { jsonFields, jsonObject, labId, objectRef, queryOf, resourceVersion, selection, watchId, wholeNumber } from './params.ts';
import { streamWatches } from './watch.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  cluster: Cluster;
  /** Headers every answer carries (CORS for the site). */
  headers: Record<string, string>;
  /** The action name, for /api/v1/actions/<name>. */
  param?: string;
}

interface Route {
  method: 'GET' | 'POST';
  /** Streams hold a connection open and count against the watch limit instead. */
  stream?: boolean;
  handle(ctx: RouteContext): Promise<void>;
}

const SELECTION = ['apiVersion', 'kind', 'namespace', 'labelSelector'];

/** A POST body must be JSON: a form or text body could come from a page that skipped the preflight. */
async function jsonBody(req: IncomingMessage, allowed: string[]): Promise<Record<string, unknown>> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'send the body as application/json');
  return jsonObject(await readBody(req), allowed);
}

const routes: Record<string, Route> = {
  '/api/v1/status': {
    method: 'GET',
    async handle({ res, url, cluster, headers }) {
      queryOf(url, []);
      sendJson(res, 200, { cluster: cluster.target.name, ...(await cluster.reachable()) }, headers);
    },
  },
  '/api/v1/objects': {
    method: 'GET',
    async handle({ res, url, cluster, headers }) {
      sendJson(res, 200, await cluster.list(selection(queryOf(url, SELECTION))), headers);
    },
  },
  '/api/v1/object': {
    method: 'GET',
    async handle({ res, url, cluster, headers }) {
      sendJson(res, 200, await cluster.get(objectRef(queryOf(url, ['apiVersion', 'kind', 'namespace', 'name']))), headers);
    },
  },
  '/api/v1/watch': {
    method: 'POST',
    stream: true,
    async handle({ req, res, cluster, headers }) {
      const body = await jsonBody(req, ['watches']);
      if (!Array.isArray(body.watches) || body.watches.length < 1 || body.watches.length > limits.watchesPerStream) {
        throw new HttpError(400, `watches must be a list of 1 to ${limits.watchesPerStream} watches`);
      }
      const ids = new Set<string>();
      const requests = body.watches.map((w: unknown) => {
        const q = jsonFields(w, ['id', ...SELECTION, 'resourceVersion']);
        const id = watchId(q.id);
        if (ids.has(id)) throw new HttpError(400, `watch id "${id}" given twice`);
        ids.add(id);
        return { id, selection: selection(q), resourceVersion: resourceVersion(q) };
      });
      await streamWatches(res, cluster, requests, headers);
    },
  },
  '/api/v1/check': {
    method: 'POST',
    async handle({ req, res, cluster, headers }) {
      const body = await jsonBody(req, ['lab', 'exercise', 'timeoutMs']);
      const lab = labId(body.lab, 'lab');
      const exercise = body.exercise === undefined || body.exercise === null ? undefined : labId(body.exercise, 'exercise');
      const timeoutMs =
        body.timeoutMs === undefined ? undefined : wholeNumber(body.timeoutMs, 0, limits.checkTimeoutMs - 10_000, 'timeoutMs');
      sendJson(res, 200, { results: await cluster.check(lab, exercise, timeoutMs) }, headers);
    },
  },
  '/api/v1/actions': {
    method: 'GET',
    async handle({ res, url, headers }) {
      queryOf(url, []);
      sendJson(res, 200, { actions: Object.entries(actions).map(([name, a]) => ({ name, params: a.params })) }, headers);
    },
  },
  '/api/v1/actions/*': {
    method: 'POST',
    async handle({ req, res, cluster, headers, param }) {
      const action = findAction(param!);
      cluster.assertWritable();
      const body = await jsonBody(req, ['params']);
      sendJson(res, 200, await action.run(cluster, actionParams(action, body.params ?? {})), headers);
    },
  },
};

/** The route for a path, with the action name for /api/v1/actions/<name>; 404 when there is none. */
export function findRoute(pathname: string): { route: Route; param?: string } {
  const exact = routes[pathname];
  if (exact) return { route: exact };
  const action = /^\/api\/v1\/actions\/([a-z0-9-]{1,40})$/.exec(pathname);
  if (action) return { route: routes['/api/v1/actions/*']!, param: action[1] };
  throw new HttpError(404, 'no such path');
}

/** 405 with the method the path takes. */
export function checkMethod(route: Route, method: string | undefined): void {
  if (method !== route.method) throw new HttpError(405, `use ${route.method}`, { Allow: `${route.method}, OPTIONS` });
}

export type { Route };
