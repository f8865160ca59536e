// What kubelab can learn about any cluster through its API alone, with reads only.
import { CoreV1Api, Health, type KubeConfig } from '@kubernetes/client-node';
import { isReady, rolesOf } from './nodes.ts';
import type { ComponentHealth, NodeSummary } from './provider.ts';

/** The API server's /readyz, time-limited, as a status line. */
export async function apiServerHealth(kc: KubeConfig, timeoutMs = 3000): Promise<ComponentHealth> {
  const server = kc.getCurrentCluster()?.server ?? 'no server';
  try {
    const ready = await new Health(kc).readyz({ signal: AbortSignal.timeout(timeoutMs) });
    return { name: 'kube-apiserver', healthy: ready, detail: `${server} ${ready ? 'ready' : 'not ready (/readyz)'}` };
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    return { name: 'kube-apiserver', healthy: false, detail: `${server} unreachable (${cause.split('\n')[0]})` };
  }
}

export async function nodeSummaries(kc: KubeConfig): Promise<NodeSummary[]> {
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  return nodes.items.map((node) => ({
    name: node.metadata!.name!,
    ready: isReady(node),
    roles: rolesOf(node),
    schedulable: !node.spec?.unschedulable,
    allocatablePods: Number(node.status?.allocatable?.pods ?? 0),
  }));
}
