// A GET to a pod's port through the API server's proxy (pods/<name>:<port>/proxy/<path>), with a
// query string, which the generated client cannot send. Checks use it to ask a pod what it sees
// from where it runs, as Kubernetes' own network e2e tests ask agnhost's /dial.
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ProxyAnswer {
  status: number;
  body: string;
}

/** GETs path?query from the pod's port; resolves with any HTTP status, rejects only when the API server cannot be reached. */
export async function podProxyGet(
  kc: KubeConfig,
  pod: { namespace: string; name: string; port: number },
  path: string,
  query: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<ProxyAnswer> {
  const server = new URL(kc.getCurrentCluster()!.server);
  const base = server.pathname.replace(/\/$/, '');
  const url = new URL(
    `${base}/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}:${pod.port}/proxy/${path.replace(/^\//, '')}`,
    server,
  );
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const options: import('node:https').RequestOptions = { method: 'GET', headers: {} };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${pod.name}:${pod.port} within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}
