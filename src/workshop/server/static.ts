// Files the workshop server hands out as they are: the lab site built for the learners, and the
// workshop's own pages and scripts. Only GET and HEAD, only plain paths inside the folder.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { HttpError } from '../../bridge/http.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Plain segments only: no "..", no encoded characters that could turn into a separator. */
function plainPath(raw: string): string {
  const path = raw.split('?')[0]!;
  if (!/^(\/[A-Za-z0-9._@,+~-]+)*\/?$/.test(path) || /(^|\/)\.{1,2}(\/|$)/.test(path)) throw new HttpError(404, 'no such page');
  return path;
}

/** The file a path names in root: /a → a.html (Framework's clean URLs), /dir/ → dir/index.html. */
export function fileIn(root: string, raw: string): string | undefined {
  const path = plainPath(raw);
  const candidates = path.endsWith('/') ? [join(root, path, 'index.html')] : [join(root, path), join(root, `${path}.html`)];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

export function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string> = {}): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET', { Allow: 'GET, HEAD' });
  const size = statSync(file).size;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
