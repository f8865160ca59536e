// The workshop server: one HTTPS listener for the whole class.
//   /api/v1/*                      each learner's live cells: the bridge's own pipeline and routes,
//                                  the learner's token opening the learner's cluster only
//   /learners/<id>/kube/*          each learner's kubectl (see forward.ts)
//   /workshop/api/*                the grid for the instructor, "me" and the kubeconfig for a learner
//   /workshop/…                    the instructor's and the learners' pages
//   anything else                  the lab site, built for the learners
// Every request must name the server in Host first; the rest of the checks depend on the route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { bridgeHandler, type Counters, type Principal } from '../../bridge/server.ts';
import { HttpError, sendError } from '../../bridge/http.ts';
import { limits } from '../../bridge/limits.ts';
import type { ClusterAccess } from '../../cluster/provider.ts';
import type { Lab } from '../../engine/model.ts';
import { resolveTarget } from '../../target.ts';
import { UserError } from '../../errors.ts';
import type { Board } from '../board.ts';
import { learnerTarget } from '../clusters.ts';
import type { Grader } from '../grader.ts';
import type { LearnerRecord, WorkshopRecord } from '../state.ts';
import { handleApi } from './api.ts';
import { KubeForward, sendStatus } from './forward.ts';
import { authority, checkHost, checkOrigin, type HostCheck, type Listen } from './hosts.ts';
import { Keys } from './keys.ts';
import { LearnerCluster } from './learner-cluster.ts';
import { isWorkshopPage, sendWorkshopPage } from './pages.ts';
import { TokenBucket } from './rate.ts';
import { workshopLimits } from './limits.ts';
import { fileIn, sendFile } from './static.ts';
import type { ServerTls } from './tls.ts';

export interface WorkshopServerOptions {
  record: WorkshopRecord;
  listen: Listen;
  /** The names learners reach the server by (see hosts.ts). */
  names: string[];
  tls: ServerTls;
  /** The built lab site; without one, learners get their workshop page only. */
  siteDir?: string;
  board: Board;
  grader: Grader;
  labs: () => Lab[];
  /** Another kubeconfig per learner for the same cluster (tests put a counting proxy in front of each). */
  kubeconfigOf?: (learner: LearnerRecord) => string | undefined;
  log?: (line: string) => void;
}

export interface WorkshopServer {
  port: number;
  /** https://<first name>:<port> */
  url: string;
  /** Calls the server made to this learner's cluster for requests (bridge and forward), not counting the grader. */
  forwarded(learner: string): number;
  close(): Promise<void>;
}

/** The cluster each learner's requests go to; the override stands in for the cluster's own kubeconfig. */
export function learnerAccess(record: WorkshopRecord, learner: LearnerRecord, kubeconfig?: string): ClusterAccess {
  const access = resolveTarget(learnerTarget(record, learner), 'create').access;
  return kubeconfig ? { ...access, kubeconfig } : access;
}

interface Seat {
  bucket: TokenBucket;
  counters: Counters;
  cluster?: LearnerCluster;
  forward?: KubeForward;
}

/** Why the server cannot listen, in one line. */
function listenError(error: NodeJS.ErrnoException, listen: Listen): Error {
  const where = authority(listen.host, listen.port);
  if (error.code === 'EADDRINUSE') return new UserError(`${where} is in use`, { fix: 'choose another port with --listen ADDR:PORT' });
  if (error.code === 'EADDRNOTAVAIL')
    return new UserError(`${listen.host} is not an address of this machine`, {
      fix: 'see ip addr; --listen takes one of them, or 0.0.0.0',
    });
  if (error.code === 'EACCES') return new UserError(`not allowed to listen on ${where}`, { fix: 'choose a port above 1023' });
  return error;
}

export async function startWorkshopServer(options: WorkshopServerOptions): Promise<WorkshopServer> {
  const { record, board, grader } = options;
  const keys = new Keys(record);
  const hosts: HostCheck = { names: options.names, port: options.listen.port };
  const seats = new Map<string, Seat>(
    record.learners.map((l) => [
      l.id,
      { bucket: new TokenBucket(workshopLimits.ratePerSecond, workshopLimits.burst), counters: { active: 0, watches: 0 } },
    ]),
  );
  const log = options.log ?? (() => {});

  const admitLearner = (learner: LearnerRecord) => {
    if (!seats.get(learner.id)!.bucket.take()) throw new HttpError(429, 'too many requests: slow down', { 'Retry-After': '1' });
  };

  /** Made on first use: a learner whose cluster is missing gets a 503, not a server that does not start. */
  const seat = (learner: LearnerRecord, part: 'cluster' | 'forward'): Seat => {
    const s = seats.get(learner.id)!;
    try {
      const override = options.kubeconfigOf?.(learner);
      if (part === 'cluster')
        s.cluster ??= new LearnerCluster({ ...learnerTarget(record, learner), kubeconfig: override }, (lab, results) =>
          board.record(learner.id, lab, results),
        );
      else {
        const access = learnerAccess(record, learner, override);
        s.forward ??= new KubeForward(access.kubeconfig, override ? undefined : access.context);
      }
    } catch (error) {
      throw new HttpError(503, `your lab cluster "${learner.cluster}" is not there (${(error as Error).message}) — tell your instructor`);
    }
    return s;
  };

  const bridge = bridgeHandler(
    {
      admit(req) {
        checkHost(req, hosts);
        checkOrigin(req, hosts, req.method === 'POST');
        return {};
      },
      authorize(req): Principal {
        const learner = keys.learner(req);
        admitLearner(learner);
        const s = seat(learner, 'cluster');
        return { cluster: s.cluster!, counters: s.counters };
      },
    },
    log,
    'the workshop server failed; tell your instructor',
  );

  async function kube(req: IncomingMessage, res: ServerResponse, id: string, rest: string): Promise<void> {
    if (req.headers.origin !== undefined || req.headers['sec-fetch-mode'] !== undefined)
      throw new HttpError(403, 'this path is for kubectl, not for web pages');
    const learner = keys.learner(req);
    if (learner.id !== id) throw new HttpError(403, 'this token belongs to another learner');
    admitLearner(learner);
    const status = await seat(learner, 'forward').forward!.forward(req, res, rest);
    // A change made with kubectl shows on the grid at once, not at the next round.
    if (req.method !== 'GET' && req.method !== 'HEAD' && status < 400) grader.poke(learner.id);
  }

  const apiContext = {
    workshop: record.name,
    keys,
    board,
    labs: options.labs,
    admitLearner,
    cert: options.tls.cert,
    port: options.listen.port,
    siteDir: options.siteDir,
    streams: { open: 0 },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const path = raw.split('?')[0]!;
    const kubePath = /^\/learners\/([a-z0-9-]{1,40})\/kube(?=\/|\?|$)(.*)$/.exec(raw);
    try {
      if (path === '/api/v1' || path.startsWith('/api/v1/')) return await bridge(req, res);
      const host = checkHost(req, hosts);
      if (kubePath) return await kube(req, res, kubePath[1]!, kubePath[2]!);
      if (path.startsWith('/workshop/api/')) {
        checkOrigin(req, hosts, false);
        return await handleApi(req, res, path, host, apiContext);
      }
      if (isWorkshopPage(path)) return sendWorkshopPage(req, res, path);
      const file = options.siteDir ? fileIn(options.siteDir, path) : undefined;
      if (file) return sendFile(req, res, file);
      if (path === '/' && !options.siteDir) {
        res.writeHead(302, { Location: '/workshop/learner/' });
        res.end();
        return;
      }
      throw new HttpError(404, 'no such page');
    } catch (error) {
      if (!(error instanceof HttpError)) log(`workshop: ${req.method} ${path} failed: ${(error as Error).message?.split('\n')[0]}`);
      const answer = error instanceof HttpError ? error : new HttpError(500, 'the workshop server failed; see its terminal');
      if (kubePath) sendStatus(res, answer);
      else sendError(res, answer);
    }
  }

  const server: Server = createServer(
    { cert: options.tls.cert, key: options.tls.key, maxHeaderSize: limits.headerBytes, minVersion: 'TLSv1.2' },
    (req, res) => void handle(req, res),
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxHeadersCount = 50;
  // No route takes a connection upgrade: exec, attach and port-forward stay out, as on the bridge.
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    socket.end(
      'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nno connection upgrades through the workshop\n',
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.listen)));
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts.port = port;
  apiContext.port = port;
  grader.start();
  return {
    port,
    url: `https://${authority(options.names[0]!, port)}`,
    forwarded: (learner) => (seats.get(learner)?.cluster?.forwarded ?? 0) + (seats.get(learner)?.forward?.forwarded ?? 0),
    close: () =>
      new Promise<void>((resolve) => {
        grader.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
