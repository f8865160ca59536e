// The pod network as the pod-network page shows it: each node's share of the pod network, why it
// is not Ready, and what flannel wrote on it; the pods waiting for a network. Pure functions of
// the objects the kube.js cells return.
import type { V1Node, V1Pod } from '@kubernetes/client-node';

const BACKEND = 'flannel.alpha.coreos.com/backend-type';

/** One row per node: Ready or the kubelet's reason, its podCIDR, its address, the backend flannel runs there. */
export function networkRows(nodes: V1Node[] | null | undefined): Record<string, string>[] {
  return (nodes ?? []).map((n) => {
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    return {
      node: n.metadata?.name ?? '',
      status: ready?.status === 'True' ? 'Ready' : `NotReady: ${ready?.message ?? 'no Ready condition'}`,
      podCIDR: n.spec?.podCIDR ?? '',
      address: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
      'flannel backend': n.metadata?.annotations?.[BACKEND] ?? '—',
    };
  });
}

/** Where a pod stands: Running with an address, or what it waits for. */
export function podState(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting)?.state?.waiting?.reason;
  if (waiting) return waiting;
  if (pod.status?.phase === 'Pending' && pod.spec?.nodeName) return 'ContainerCreating';
  return pod.status?.phase ?? 'Unknown';
}

/** The pods that need the pod network (not hostNetwork), with where they run and their address. */
export function podNetworkRows(pods: V1Pod[] | null | undefined): Record<string, string>[] {
  return (pods ?? [])
    .filter((p) => !p.spec?.hostNetwork)
    .map((p) => ({
      pod: `${p.metadata?.namespace}/${p.metadata?.name}`,
      node: p.spec?.nodeName ?? '(not scheduled)',
      state: podState(p),
      ip: p.status?.podIP ?? '',
    }))
    .sort((a, b) => a.pod.localeCompare(b.pod));
}

/** Pods per node and state, for the chart: everything, host network or not. */
export function podsByNodeAndState(pods: V1Pod[] | null | undefined): { node: string; state: string; network: string; count: number }[] {
  const counts = new Map<string, { node: string; state: string; network: string; count: number }>();
  for (const p of pods ?? []) {
    const node = p.spec?.nodeName ?? '(not scheduled)';
    const state = podState(p);
    const network = p.spec?.hostNetwork ? "the node's own" : 'pod network';
    const key = `${node}\0${state}\0${network}`;
    const entry = counts.get(key) ?? { node, state, network, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
