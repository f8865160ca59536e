// The kubelab bridge: a small HTTP server on 127.0.0.1 through which the lab site's pages
// read the cluster, watch it, run checks and make the few allowed changes.
// Every request passes, in order: URL length, Host (DNS rebinding), Origin (the site alone),
// declared body size, CORS preflight, token, path, method, concurrency; only then does a route
// run, and only routes talk to the cluster (through Cluster.forward, which counts the calls).
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

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(32).toString('base64url');
  const cluster = new Cluster(options.cluster);
  const siteOrigin = new URL(options.siteOrigin).origin;
  let port = 0;
  let active = 0;
  let watches = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let cors: Record<string, string> = {};
    try {
      if ((req.url ?? '').length > limits.urlChars) throw new HttpError(414, 'URL too long');
      checkHost(req, port);
      cors = corsHeaders(checkOrigin(req, siteOrigin));
      if (Number(req.headers['content-length'] ?? 0) > limits.bodyBytes || (req.headers['transfer-encoding'] && req.method !== 'POST')) {
        throw new HttpError(413, `request body larger than ${limits.bodyBytes} bytes`, { Connection: 'close' });
      }
      const url = requestUrl(req);
      const { route, param } = findRoute(url.pathname);
      if (req.method === 'OPTIONS') return preflight(req, res, route, cors);
      checkToken(req, token);
      checkMethod(route, req.method);
      if (route.stream ? watches >= limits.watches : active >= limits.concurrent)
        throw new HttpError(429, 'too many requests at once', { 'Retry-After': '1' });
      if (route.stream) watches++;
      else active++;
      try {
        await route.handle({ req, res, url, cluster, headers: cors, param });
      } finally {
        if (route.stream) watches--;
        else active--;
      }
    } catch (error) {
      if (!(error instanceof HttpError))
        options.log?.(
          `bridge: ${req.method} ${req.url?.split('?')[0]} failed: ${process.env.KUBELAB_DEBUG ? ((error as Error).stack ?? error) : String((error as Error).message ?? error).split('\n')[0]}`,
        );
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'the bridge failed; see the terminal of kubelab serve'), cors);
    }
  }

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
