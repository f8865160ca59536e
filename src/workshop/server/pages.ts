// The workshop's own pages, served by the workshop server itself rather than built into the lab
// site: the instructor's page is then not part of what learners are served as a site, and its
// data comes only from routes that demand the instructor's token. Plot and d3 come from
// node_modules, so the pages need nothing from outside this machine.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../../bridge/http.ts';
import { packageRoot } from '../../paths.ts';
import { sendFile } from './static.ts';

const PAGES = fileURLToPath(new URL('../page/', import.meta.url));

const FILES: Record<string, string> = {
  '/workshop/instructor/': join(PAGES, 'instructor.html'),
  '/workshop/learner/': join(PAGES, 'learner.html'),
  '/workshop/assets/instructor.js': join(PAGES, 'instructor.js'),
  '/workshop/assets/learner.js': join(PAGES, 'learner.js'),
  '/workshop/assets/workshop.css': join(PAGES, 'workshop.css'),
  '/workshop/assets/d3.min.js': join(packageRoot, 'node_modules', 'd3', 'dist', 'd3.min.js'),
  '/workshop/assets/plot.umd.min.js': join(packageRoot, 'node_modules', '@observablehq', 'plot', 'dist', 'plot.umd.min.js'),
};

/** Scripts from this server only; Plot styles its SVG inline. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function isWorkshopPage(path: string): boolean {
  return path.startsWith('/workshop/') && !path.startsWith('/workshop/api/');
}

export function sendWorkshopPage(req: IncomingMessage, res: ServerResponse, path: string): void {
  const file = FILES[path] ?? FILES[`${path}/`];
  if (!file) throw new HttpError(404, 'no such page');
  sendFile(req, res, file, { 'Content-Security-Policy': CSP });
}
