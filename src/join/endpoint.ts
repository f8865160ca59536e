// kubelab's clusters listen on loopback only, and kubelab never dials anything else:
// the advertise address (10.10.10.101 by default) is a label no interface here holds.
import { isIP } from 'node:net';
import { UserError } from '../errors.ts';

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** "https://host:port" for an endpoint given as host:port or an https URL; refuses anything off loopback. */
export function loopbackServer(endpoint: string, what = 'API server endpoint'): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`);
  } catch {
    throw new UserError(`invalid ${what} "${endpoint}"`, { fix: 'give it as host:port, e.g. 127.0.0.1:6443' });
  }
  if (url.protocol !== 'https:' || !url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw new UserError(`invalid ${what} "${endpoint}"`, { fix: 'give it as host:port, e.g. 127.0.0.1:6443' });
  }
  if (!isLoopback(url.hostname)) {
    throw new UserError(`refusing to dial ${url.host}: kubelab only talks to API servers on this machine (127.0.0.1)`, {
      fix: 'leave the endpoint out, or give the one kubeadm token create --print-join-command prints',
    });
  }
  return `https://${url.host}`;
}
