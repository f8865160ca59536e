// The learner's kubectl reaches their own API server through the workshop server:
//   https://<workshop>/learners/<id>/kube/<Kubernetes API path>
// with the learner's token, forwarded as that cluster's administrator (the credentials of its
// kubeconfig on this machine, which never leave it). The API servers keep listening on loopback
// only: one port, one certificate and one place for the per-learner limits.
// Refused here, because each makes the API server itself connect where the learner says: the
// proxy subresources, exec/attach/port-forward (and every connection upgrade), pod logs, and writes to
// admission webhooks, APIServices and CRDs with a conversion webhook.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '../../bridge/http.ts';
import { readBodyBytes } from '../../bridge/limits.ts';
import { loadKubeConfig } from '../../kube/client.ts';
import { workshopLimits } from './limits.ts';

/** Headers that belong to one connection, or that the forward sets itself. */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'cookie',
]);

// pods/log too: the API server fetches it from the node's address and port, which a cluster
// administrator can set in the Node's status to any host.
const BLOCKED_SUBRESOURCES = new Set(['proxy', 'exec', 'attach', 'portforward', 'log']);
const OUTBOUND_KINDS =
  /^\/apis\/(admissionregistration\.k8s\.io\/[^/]+\/(validating|mutating)webhookconfigurations|apiregistration\.k8s\.io\/[^/]+\/apiservices)(\/|$)/;
const CRDS = /^\/apis\/apiextensions\.k8s\.io\/[^/]+\/customresourcedefinitions(\/|$)/;

/** A Kubernetes Status, which kubectl prints as "Error from server (Reason): message". */
export function sendStatus(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    413: 'RequestEntityTooLarge',
    429: 'TooManyRequests',
    503: 'ServiceUnavailable',
  };
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: error.message,
    reason: reasons[error.status] ?? 'InternalError',
    code: error.status,
  });
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * The API path after /learners/<id>/kube, checked as raw text: plain segments only (no "..",
 * no percent-encoding that the API server would decode into something else), an API path, no
 * subresource that makes the API server connect somewhere.
 */
export function apiPath(rest: string, method: string): string {
  const [path = '', query] = rest.split('?', 2);
  if (!/^(\/[A-Za-z0-9._:@~=,+-]+)*\/?$/.test(path) || /(^|\/)\.\.?(\/|$)/.test(path)) throw new HttpError(400, 'not a plain API path');
  if (!/^\/(api|apis|version|openapi|healthz|livez|readyz)(\/|$)/.test(path)) throw new HttpError(404, 'not a Kubernetes API path');
  const segments = path.split('/').filter(Boolean);
  const blocked = segments.slice(1).find((s) => BLOCKED_SUBRESOURCES.has(s));
  if (blocked)
    throw new HttpError(403, `${blocked} is not available through the workshop: the API server would connect where the request says`);
  if (method !== 'GET' && method !== 'HEAD' && OUTBOUND_KINDS.test(path))
    throw new HttpError(403, 'webhooks and APIServices cannot be changed through the workshop: the API server would call them');
  return query === undefined ? path : `${path}?${query}`;
}

/** Whether a CRD write declares a conversion webhook (the API server would call it). */
function convertsByWebhook(path: string, method: string, body: Buffer): boolean {
  return method !== 'GET' && method !== 'DELETE' && CRDS.test(path) && body.includes('Webhook');
}

function forwardedHeaders(headers: IncomingHttpHeaders, length: number): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !DROPPED.has(name) && !name.startsWith('x-remote-') && !name.startsWith('sec-')) out[name] = value;
  out['content-length'] = String(length);
  return out;
}

/** One learner's API server, reached with the administrator credentials of its kubeconfig. */
export class KubeForward {
  readonly server: URL;
  private readonly kc: KubeConfig;
  private active = 0;
  private calls = 0;

  constructor(kubeconfig: string, context: string | undefined) {
    this.kc = loadKubeConfig(kubeconfig, context);
    this.server = new URL(this.kc.getCurrentCluster()!.server);
  }

  /** Requests sent on to the API server: refused ones never count. */
  get forwarded(): number {
    return this.calls;
  }

  /** Forwards one request; resolves with its status once the answer has been sent. */
  async forward(req: IncomingMessage, res: ServerResponse, rest: string): Promise<number> {
    const method = req.method ?? 'GET';
    const path = apiPath(rest, method);
    if (this.active >= workshopLimits.forwardConcurrent) throw new HttpError(429, 'too many requests at once', { 'Retry-After': '1' });
    this.active++;
    try {
      const body = await readBodyBytes(req, workshopLimits.forwardBodyBytes);
      if (convertsByWebhook(path, method, body))
        throw new HttpError(403, 'conversion webhooks cannot be set through the workshop: the API server would call them');
      return await this.send(method, path, req.headers, body, res);
    } finally {
      this.active--;
    }
  }

  private async send(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer, res: ServerResponse): Promise<number> {
    const options: RequestOptions = {
      method,
      hostname: this.server.hostname.replace(/^\[|\]$/g, ''),
      port: this.server.port || 443,
      path: `${this.server.pathname.replace(/\/$/, '')}${path}`,
      headers: forwardedHeaders(headers, body.length),
    };
    await this.kc.applyToHTTPSOptions(options);
    this.calls++;
    return new Promise((resolve, reject) => {
      const upstream = httpsRequest(options, (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !DROPPED.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        res.flushHeaders();
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
        answer.on('error', () => res.destroy());
      });
      // A learner who closes kubectl (a watch they stop) ends the call at the API server too.
      res.on('close', () => upstream.destroy());
      upstream.on('error', (error) =>
        reject(new HttpError(503, `the lab cluster is not answering (${error.message}) — tell your instructor`)),
      );
      upstream.end(body);
    });
  }
}
