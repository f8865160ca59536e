// Who may use the bridge: a page of the lab site, in a browser on this machine, holding
// this start's token. Checked before anything else, so a refused request reaches nothing.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.ts';

export interface GuardConfig {
  /** The bridge's own port: the Host header must name it. */
  port: number;
  /** The lab site's origin, e.g. http://127.0.0.1:3000. */
  siteOrigin: string;
  token: string;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DNS-rebinding defence: a page that got its own host name resolved to 127.0.0.1 still
 * sends that name in Host, so only loopback names with the bridge's port are accepted.
 */
export function checkHost(req: IncomingMessage, port: number): void {
  const host = req.headers.host?.toLowerCase();
  const match = host ? /^(\[::1\]|[a-z0-9.]+):(\d+)$/.exec(host) : null;
  if (!match || !LOOPBACK_NAMES.has(match[1]!) || Number(match[2]) !== port) {
    throw new HttpError(403, 'the bridge answers only to a loopback Host with its own port');
  }
}

/** Only the site's own pages: browsers set Origin on every cross-origin request and scripts cannot forge it. */
export function checkOrigin(req: IncomingMessage, siteOrigin: string): string {
  const origin = req.headers.origin;
  if (origin !== siteOrigin) throw new HttpError(403, 'the bridge answers only to the lab site’s own pages');
  return origin;
}

/** The per-start token, sent as "Authorization: Bearer <token>"; compared in constant time. */
export function checkToken(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(401, 'missing or wrong bridge token: open the link that kubelab serve printed', { 'WWW-Authenticate': 'Bearer' });
  }
}
