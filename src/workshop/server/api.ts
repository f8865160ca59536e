// The workshop's own JSON routes (GET only):
//   /workshop/api/grid               instructor: learners × exercises
//   /workshop/api/stream             instructor: the grid again at each change (NDJSON), and pings
//   /workshop/api/learners/<id>      instructor: one learner's failing checks, expected/found and hints
//   /workshop/api/me                 learner: who they are, their cluster, the labs and their tasks
//   /workshop/api/kubeconfig         learner: their kubeconfig (through this server)
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HttpError, sendJson, startStream } from '../../bridge/http.ts';
import type { Lab } from '../../engine/model.ts';
import type { Board } from '../board.ts';
import type { LearnerRecord } from '../state.ts';
import type { Keys } from './keys.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { workshopLimits } from './limits.ts';

export interface ApiContext {
  workshop: string;
  keys: Keys;
  board: Board;
  labs: () => Lab[];
  /** The learner's own limits: 429 when they ask too much. */
  admitLearner: (learner: LearnerRecord) => void;
  cert: string;
  port: number;
  siteDir?: string;
  /** Instructor streams open now. */
  streams: { open: number };
}

const PING_MS = 15_000;
const THROTTLE_MS = 200;

async function stream(res: ServerResponse, ctx: ApiContext): Promise<void> {
  if (ctx.streams.open >= workshopLimits.instructorStreams) throw new HttpError(429, 'too many open grids', { 'Retry-After': '5' });
  ctx.streams.open++;
  startStream(res, {});
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    res.write(`${JSON.stringify({ type: 'grid', ...ctx.board.grid(ctx.workshop) })}\n`);
  };
  // A burst of changes (a whole lab graded) becomes one message.
  const changed = () => {
    timer ??= setTimeout(send, THROTTLE_MS);
  };
  send();
  ctx.board.on('change', changed);
  const ping = setInterval(() => res.write('{"type":"ping"}\n'), PING_MS);
  await new Promise<void>((resolve) =>
    res.on('close', () => {
      ctx.streams.open--;
      clearInterval(ping);
      clearTimeout(timer);
      ctx.board.off('change', changed);
      resolve();
    }),
  );
}

function me(learner: LearnerRecord, ctx: ApiContext) {
  return {
    id: learner.id,
    name: learner.name,
    cluster: learner.cluster,
    /** Whether the lab site is served (the labs' pages with live cells). */
    site: ctx.siteDir !== undefined,
    labs: ctx.labs().map((lab) => ({
      id: lab.id,
      title: lab.title,
      summary: lab.summary,
      page: ctx.siteDir !== undefined && existsSync(join(ctx.siteDir, `${lab.id}.html`)) ? `/${lab.id}` : null,
      exercises: lab.exercises.map((e) => ({ id: e.id, title: e.title, task: e.task })),
    })),
  };
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, host: string, ctx: ApiContext): Promise<void> {
  if (req.method !== 'GET') throw new HttpError(405, 'use GET', { Allow: 'GET' });
  if (path === '/workshop/api/me' || path === '/workshop/api/kubeconfig') {
    const learner = ctx.keys.learner(req);
    ctx.admitLearner(learner);
    if (path === '/workshop/api/me') return sendJson(res, 200, me(learner, ctx));
    const text = learnerKubeconfig({ learner, workshop: ctx.workshop, host, port: ctx.port, cert: ctx.cert });
    res.writeHead(200, {
      'Content-Type': 'application/yaml; charset=utf-8',
      'Content-Disposition': `attachment; filename="kubeconfig-${learner.id}.yaml"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text);
    return;
  }
  const detail = /^\/workshop\/api\/learners\/([a-z0-9-]{1,40})$/.exec(path);
  if (path !== '/workshop/api/grid' && path !== '/workshop/api/stream' && !detail) throw new HttpError(404, 'no such path');
  ctx.keys.instructor(req);
  if (path === '/workshop/api/grid') return sendJson(res, 200, ctx.board.grid(ctx.workshop));
  if (path === '/workshop/api/stream') return stream(res, ctx);
  try {
    sendJson(res, 200, ctx.board.detail(detail![1]!));
  } catch {
    throw new HttpError(404, 'no such learner');
  }
}
