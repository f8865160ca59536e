import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  ca: string;
  cert?: string;
  key?: string;
}

export interface HealthCheck {
  url: string;
  /** The CA to verify the server with, and optionally a client certificate. */
  tls?: TlsFiles;
}

/** GETs a health endpoint; resolves to [ok, detail] and never throws. */
export function probe(check: HealthCheck, timeoutMs = 2000): Promise<[boolean, string]> {
  return new Promise((resolve) => {
    const url = new URL(check.url);
    const tls = check.tls;
    const options = tls
      ? { ca: readFileSync(tls.ca), ...(tls.cert && tls.key ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}) }
      : { rejectUnauthorized: false }; // kube-controller-manager and kube-scheduler serve self-signed health endpoints
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { ...options, timeout: timeoutMs, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve([response.statusCode === 200, `${response.statusCode} ${body.trim().split('\n').slice(-1)[0] ?? ''}`.trim()]),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve([false, error.message]));
    request.end();
  });
}

/** Polls until the check passes or the deadline passes. */
export async function waitHealthy(check: HealthCheck, deadline: number, intervalMs = 50): Promise<[boolean, string]> {
  let last: [boolean, string] = [false, 'not checked'];
  while (Date.now() < deadline) {
    last = await probe(check, Math.max(100, Math.min(2000, deadline - Date.now())));
    if (last[0]) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return last;
}
