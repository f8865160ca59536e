// What the checks read off the running cluster: the CA that cluster-info publishes and what an
// anonymous client gets.
import { readFile } from 'node:fs/promises';
import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kubeConfigFor, readObject, statusOf, UserError, type CheckContext } from '../../src/engine/sdk.ts';

/** The CA the kubeconfig in hand trusts for its API server. */
async function trustedCa(kc: KubeConfig): Promise<string | undefined> {
  const cluster = kc.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  return cluster?.caFile ? readFile(cluster.caFile, 'utf8') : undefined;
}

/** The CA that cluster-info publishes, which joining nodes pin. */
export async function clusterInfoCa(ctx: CheckContext): Promise<string> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  const config = parse(cm?.data?.kubeconfig ?? '') as { clusters?: { cluster?: Record<string, string> }[] } | null;
  const data = config?.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!data) throw new UserError('kube-public/cluster-info has no CA: was kubeadm init phase bootstrap-token run?');
  return Buffer.from(data, 'base64').toString('utf8');
}

/** The HTTP status an unauthenticated GET of a ConfigMap gets: no token, no client certificate. */
export async function anonymousStatus(kc: KubeConfig, namespace: string, name: string): Promise<number> {
  const core = kubeConfigFor(kc.getCurrentCluster()!.server, await trustedCa(kc)).makeApiClient(CoreV1Api);
  try {
    await core.readNamespacedConfigMap({ name, namespace });
    return 200;
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined) throw error;
    return status;
  }
}
