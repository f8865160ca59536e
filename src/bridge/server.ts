// The kubelab bridge: a small HTTP server on 127.0.0.1 through which the lab site's pages
// read the cluster, watch it, run checks and make the few allowed changes.
// Every request passes, in order: URL length, Host (DNS rebinding), Origin (the site alone),
// declared body size, path, CORS preflight, token, method, concurrency; only then does a route
// run, and only routes talk to the cluster (through Cluster.forward, which counts the calls).
// The pipeline (bridgeHandler) takes its Host, Origin and token checks from a Gate, so that a
// workshop server runs the same rules for each learner's cluster.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, type ClusterTarget } from './cluster.ts';
import { checkHost, checkOrigin, checkToken } from './guard.ts';
import { corsHeaders, HttpError, requestUrl, sendError } from './http.ts';
import { applyServerLimits, limits } from './limits.ts';
import { checkMethod, findRoute, type Route } from './routes.ts';

export interface BridgeOptions {
  cluster: ClusterTarget;
  /** The lab site's origin, e.g. http://127.0.0.1:3000: the only origin served. */
  siteOrigin: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Reports unexpected failures (500s). */
  log?: (line: string) => void;
}

export interface Bridge {
  url: string;
  port: number;
  /** Random per start; pages send it as a Bearer token. */
  token: string;
  siteOrigin: string;
  cluster: Cluster;
  close(): Promise<void>;
}

function preflight(req: IncomingMessage, res: ServerResponse, route: Route, cors: Record<string, string>): void {
  const method = req.headers['access-control-request-method'];
  if (method !== route.method) throw new HttpError(405, `use ${route.method}`, { Allow: `${route.method}, OPTIONS` });
  const asked = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (asked.some((h) => h !== 'authorization' && h !== 'content-type'))
    throw new HttpError(403, 'only the Authorization and Content-Type headers are allowed');
  res.writeHead(204, {
    ...cors,
    'Access-Control-Allow-Methods': route.method,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

/** How many requests one holder of access has in flight, counted against the bridge's limits. */
export interface Counters {
  active: number;
  watches: number;
}

/** Whom the credentials of a request let in: the cluster they open, and the counters their limits use. */
export interface Principal {
  cluster: Cluster;
  counters: Counters;
}

/**
 * Who may use a bridge. The bridge of `kubelab serve` admits the site on loopback holding this
 * start's token; a workshop server admits its own origin and maps each learner's token to that
 * learner's cluster. Both throw an HttpError to refuse.
 */
export interface Gate {
  /** Host and Origin; returns the headers every answer carries (CORS). */
  admit(req: IncomingMessage): Record<string, string>;
  /** The credentials (after the path and preflight are checked): whose cluster, whose limits. */
  authorize(req: IncomingMessage): Principal;
}

/**
 * The bridge's request pipeline behind a gate: URL length, Host and Origin, declared body size,
 * path, CORS preflight, credentials, method, concurrency; only then a route, and only routes
 * talk to the cluster.
 */
export function bridgeHandler(
  gate: Gate,
  log?: (line: string) => void,
  failure = 'the bridge failed; see the terminal of kubelab serve',
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let cors: Record<string, string> = {};
    try {
      if ((req.url ?? '').length > limits.urlChars) throw new HttpError(414, 'URL too long');
      cors = gate.admit(req);
      if (Number(req.headers['content-length'] ?? 0) > limits.bodyBytes || (req.headers['transfer-encoding'] && req.method !== 'POST')) {
        throw new HttpError(413, `request body larger than ${limits.bodyBytes} bytes`, { Connection: 'close' });
      }
      const url = requestUrl(req);
      const { route, param } = findRoute(url.pathname);
      if (req.method === 'OPTIONS') return preflight(req, res, route, cors);
      const { cluster, counters } = gate.authorize(req);
      checkMethod(route, req.method);
      if (route.stream ? counters.watches >= limits.watches : counters.active >= limits.concurrent)
        throw new HttpError(429, 'too many requests at once', { 'Retry-After': '1' });
      if (route.stream) counters.watches++;
      else counters.active++;
      try {
        await route.handle({ req, res, url, cluster, headers: cors, param });
      } finally {
        if (route.stream) counters.watches--;
        else counters.active--;
      }
    } catch (error) {
      if (!(error instanceof HttpError))
        log?.(
          `bridge: ${req.method} ${req.url?.split('?')[0]} failed: ${process.env.KUBELAB_DEBUG ? ((error as Error).stack ?? error) : String((error as Error).message ?? error).split('\n')[0]}`,
        );
      sendError(res, error instanceof HttpError ? error : new HttpError(500, failure), cors);
    }
  };
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(32).toString('base64url');
  const cluster = new Cluster(options.cluster);
  const siteOrigin = new URL(options.siteOrigin).origin;
  let port = 0;
  const counters: Counters = { active: 0, watches: 0 };
  const handle = bridgeHandler(
    {
      admit(req) {
        checkHost(req, port);
        return corsHeaders(checkOrigin(req, siteOrigin));
      },
      authorize(req) {
        checkToken(req, token);
        return { cluster, counters };
      },
    },
    options.log,
  );

  const server: Server = createServer({ maxHeaderSize: limits.headerBytes }, (req, res) => void handle(req, res));
  applyServerLimits(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    siteOrigin,
    cluster,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
