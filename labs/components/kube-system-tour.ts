// Helpers for the kube-system tour's page: rows for its tables and chart, as pure functions of
// the objects the kube.js cells return. None of them says how a component runs: that is
// Exercise 1's answer, shown only after it passes (ownerRows).
import type { KubernetesObject, V1DaemonSet, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';

const isReady = (pod: V1Pod) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** What `kubectl -n kube-system get pods -o wide` shows, less what would answer an exercise. */
export function podRows(pods: V1Pod[]): Record<string, string | undefined>[] {
  return pods.map((pod) => ({
    pod: pod.metadata?.name,
    node: pod.spec?.nodeName ?? '(not scheduled)',
    status: pod.metadata?.deletionTimestamp ? 'Terminating' : pod.status?.phase,
    ready: isReady(pod) ? 'yes' : 'no',
  }));
}

/** The piece of kube-system a pod belongs to, from kubeadm's and the addons' labels. */
export function pieceOf(pod: KubernetesObject): string {
  const labels = pod.metadata?.labels ?? {};
  return labels.component ?? labels['k8s-app'] ?? labels.app ?? pod.metadata?.name ?? '?';
}

/** One row per node and piece, for a stacked bar of kube-system's pods on each node. */
export function piecesPerNode(pods: V1Pod[]): { node: string; piece: string; pods: number }[] {
  const counts = new Map<string, { node: string; piece: string; pods: number }>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? '(not scheduled)';
    const piece = pieceOf(pod);
    const key = `${node}/${piece}`;
    const row = counts.get(key) ?? { node, piece, pods: 0 };
    row.pods++;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => a.node.localeCompare(b.node) || a.piece.localeCompare(b.piece));
}

/** What made each pod, as its ownerReferences say (a Node owns the mirror pod of a static pod). */
export function ownerRows(pods: V1Pod[]): Record<string, string | undefined>[] {
  return pods.map((pod) => {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    return { pod: pod.metadata?.name, 'made by': owner ? `${owner.kind} ${owner.name}` : '(nothing: a bare pod)' };
  });
}

/** The addresses behind a Service that are ready to take traffic, from its EndpointSlices. */
export function readyAddresses(slices: V1EndpointSlice[]): string[] {
  return slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses)).sort();
}

/** A DaemonSet's rollout, as `kubectl get daemonset` counts it. */
export function daemonSetRow(ds: V1DaemonSet | undefined, name: string): Record<string, string | number | undefined> {
  if (!ds) return { daemonset: name, state: 'not there' };
  const s = ds.status;
  return {
    daemonset: name,
    desired: s?.desiredNumberScheduled,
    ready: s?.numberReady,
    'up to date': s?.updatedNumberScheduled,
    created: ds.metadata?.creationTimestamp ? new Date(ds.metadata.creationTimestamp).toLocaleTimeString() : undefined,
  };
}
