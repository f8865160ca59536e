// How pods left the watched node. The API server marks a pod it evicts with a DisruptionTarget
// condition (reason EvictionByEvictionAPI) before it deletes it; a pod deleted outright (kubectl
// delete pod, kubectl drain --disable-eviction) gets no such condition, and one the pod garbage
// collector or the taint manager removed gets another reason. The pod is gone moments later,
// so the watcher keeps what it saw: that is how a check tells an eviction from a deletion.
import type { V1Pod } from '@kubernetes/client-node';

/** The reason the Eviction API writes into the DisruptionTarget condition. */
export const EVICTION_REASON = 'EvictionByEvictionAPI';

export interface Departure {
  /** Epoch milliseconds when the watcher first saw the pod being deleted (or gone). */
  t: number;
  /** namespace/name */
  pod: string;
  uid: string;
  /** The reason of the pod's DisruptionTarget condition; '' when it had none: it was deleted outright. */
  reason: string;
}

/** Beyond this many departures the oldest are dropped. */
export const MAX_DEPARTURES = 1000;

/** The DisruptionTarget reason on a pod, or '' when it has none. */
export function disruptionReason(pod: V1Pod): string {
  const condition = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
  return condition?.reason ?? '';
}

export const wasEvicted = (d: Departure) => d.reason === EVICTION_REASON;

/**
 * The departures with this pod's: a pod seen leaving again keeps the moment it was first seen,
 * and gains a reason it did not show before (the condition and the deletion are separate writes).
 */
export function noteDeparture(departures: Departure[], seen: Departure): Departure[] {
  const known = departures.find((d) => d.uid === seen.uid);
  if (known) {
    if (known.reason || !seen.reason) return departures;
    return departures.map((d) => (d === known ? { ...d, reason: seen.reason } : d));
  }
  const next = [...departures, seen];
  return next.length > MAX_DEPARTURES ? next.slice(next.length - MAX_DEPARTURES) : next;
}

/** How a departure reads in a check's message. */
export function howItLeft(d: Departure): string {
  if (wasEvicted(d)) return `${d.pod} was evicted`;
  return d.reason ? `${d.pod} was removed by ${d.reason}` : `${d.pod} was deleted without an eviction`;
}
