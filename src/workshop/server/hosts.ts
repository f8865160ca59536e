// Where the workshop server listens and the names learners reach it by. Nothing listens past
// loopback unless --listen says so; those names go into the certificate, and a request must name
// one of them in Host (DNS rebinding) and, when a browser sends one, in Origin.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { HttpError } from '../../bridge/http.ts';
import { UserError } from '../../errors.ts';

export interface Listen {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:8443';
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** "ADDR", "ADDR:PORT" or "[IPv6]:PORT"; ADDR is an IP address of this machine, or 0.0.0.0 / :: for all. */
export function parseListen(text: string = DEFAULT_LISTEN): Listen {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|localhost))(?::(\d{1,5}))?$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3] ?? 8443);
  if (!match || !host || (host !== 'localhost' && isIP(host) === 0) || port < 1 || port > 65535)
    throw new UserError(`--listen "${text}" is not an address to listen on`, {
      fix: 'give an IP address of this machine and a port, e.g. --listen 192.168.1.20:8443 (or 0.0.0.0:8443 for every interface)',
    });
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || address.startsWith('127.');
}

const isAny = (address: string) => address === '0.0.0.0' || address === '::';

/** This machine's own addresses, for a server listening on all of them. */
function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80')))
    .map((a) => a!.address);
}

/**
 * The names a learner may use for the server: the listen address (every address of this machine
 * when it is 0.0.0.0 or ::, with the host name), loopback when the server listens there, and
 * whatever --host adds (a DNS name that points here).
 */
export function serverNames(listen: Listen, extra: string[] = []): string[] {
  const names = isAny(listen.host)
    ? [...machineAddresses(), hostname().toLowerCase(), ...LOOPBACK]
    : isLoopback(listen.host)
      ? LOOPBACK
      : [listen.host];
  for (const name of extra)
    if (isIP(name) === 0 && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i.test(name)) throw new UserError(`--host "${name}" is not a host name`);
  return [...new Set([...names, ...extra.map((n) => n.toLowerCase())])];
}

/** How a name appears in a URL's authority: IPv6 in brackets, the port unless it is 443. */
export function authority(name: string, port: number): string {
  const host = isIP(name) === 6 ? `[${name}]` : name;
  return port === 443 ? host : `${host}:${port}`;
}

export interface HostCheck {
  names: string[];
  port: number;
}

/** The Host header names one of the server's names with its port: anything else is a rebinding page or a stray. */
export function checkHost(req: IncomingMessage, { names, port }: HostCheck): string {
  const host = req.headers.host?.toLowerCase() ?? '';
  const allowed = names.find((name) => host === authority(name, port) || (port === 443 && host === `${authority(name, port)}:443`));
  if (!allowed) throw new HttpError(403, 'the workshop server answers only to its own names');
  return allowed;
}

/**
 * A browser names the page's origin on every cross-origin request and on same-origin ones that
 * change something; it must be the server's own. A request that changes something must carry one.
 * Sec-Fetch-Site, which browsers send and pages cannot forge, must not say cross-site.
 */
export function checkOrigin(req: IncomingMessage, check: HostCheck, mustHaveOrigin: boolean): void {
  const origin = req.headers.origin;
  const ours = check.names.some((name) => origin === `https://${authority(name, check.port)}`);
  if (origin !== undefined && !ours) throw new HttpError(403, 'the workshop server answers only to its own pages');
  if (origin === undefined && mustHaveOrigin) throw new HttpError(403, 'a change must come from a workshop page (no Origin)');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    throw new HttpError(403, 'the workshop server answers only to its own pages');
}
