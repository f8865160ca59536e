// Size and time limits: no request may hold the bridge or the cluster for long, or make it
// buffer much.
import type { IncomingMessage, Server } from 'node:http';
import { HttpError } from './http.ts';

export const limits = {
  /** Largest JSON body: every request body of the API fits in a few hundred bytes. */
  bodyBytes: 16 * 1024,
  /** Longest request line target (path and query). */
  urlChars: 2048,
  /** Largest request head; Node answers 431 past it. */
  headerBytes: 8 * 1024,
  /** Time to receive a request's head, and its whole body. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  /** Time a get, list or action may take at the API server. */
  clusterTimeoutMs: 30_000,
  /** A lab check may poll (checks retry until their own timeout); the bridge allows at most this. */
  checkTimeoutMs: 180_000,
  /** Open watch streams at once (a page holds one), and watches in one stream. */
  watches: 32,
  watchesPerStream: 32,
  /** Requests handled at once, watches aside. */
  concurrent: 16,
};

/** Node's own limits on the server: head size, head and body time. */
export function applyServerLimits(server: Server): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxHeadersCount = 50;
  server.maxRequestsPerSocket = 1000;
}

/**
 * Reads a request body's bytes up to a limit: 413 for a larger one, before reading it when its
 * length is declared. For the bridge's JSON, readBody; a forwarding server takes the bytes.
 */
export async function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `request body larger than ${maxBytes} bytes`, { Connection: 'close' });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body as text up to the limit (see readBodyBytes). */
export async function readBody(req: IncomingMessage, maxBytes = limits.bodyBytes): Promise<string> {
  return (await readBodyBytes(req, maxBytes)).toString('utf8');
}

/** Fails with 504 when the cluster takes longer than the limit to answer. */
export async function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(504, `${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
