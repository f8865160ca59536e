// How the bridge answers: JSON bodies, errors with a status, and CORS for the site alone.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A refusal or failure with the HTTP status the bridge answers with. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-site',
};

/**
 * CORS headers for the site's own origin. They are sent only once the Origin has been
 * checked, so a page of any other origin cannot read an answer, not even a refusal.
 */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { error: error.message }, { ...headers, ...error.headers });
}

export function startStream(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/x-ndjson; charset=utf-8' });
  res.flushHeaders();
}

/**
 * The request's path and query. The raw path must be plain segments: URL parsing would
 * resolve "..", "%2e%2e" and "//" and could turn a refused path into an accepted one.
 */
export function requestUrl(req: IncomingMessage): URL {
  const raw = req.url ?? '';
  const path = raw.split('?')[0]!;
  if (!/^(\/[a-z0-9-]+)+$/.test(path)) throw new HttpError(404, 'no such path');
  return new URL(raw, 'http://bridge.invalid');
}
