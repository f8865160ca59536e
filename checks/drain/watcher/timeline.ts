// The arithmetic behind the drain lab's availability record: pure functions over the
// samples the watcher takes, so that checks, the CLI and tests read the record the same way.

export type NodeState = 'schedulable' | 'cordoned' | 'absent';

/** What the watcher saw at one moment; a new sample is taken only when something changed. */
export interface Sample {
  /** Epoch milliseconds. */
  t: number;
  /** The Deployment's available replicas. */
  available: number;
  /** The Deployment's desired replicas. */
  desired: number;
  /** The watched node: registered and schedulable, cordoned, or deleted. */
  node: NodeState;
  /** Pods bound to the watched node that no DaemonSet owns: what a drain has to move. */
  nodePods: number;
}

/** Beyond this many samples the oldest are dropped; the lowest availability is kept apart. */
export const MAX_SAMPLES = 5000;

const sameState = (a: Sample, b: Sample) =>
  a.available === b.available && a.desired === b.desired && a.node === b.node && a.nodePods === b.nodePods;

/** The timeline with `sample` appended, or the same timeline when nothing changed. */
export function append(timeline: Sample[], sample: Sample): Sample[] {
  const last = timeline.at(-1);
  if (last && sameState(last, sample)) return timeline;
  const next = [...timeline, sample];
  return next.length > MAX_SAMPLES ? next.slice(next.length - MAX_SAMPLES) : next;
}

/** The sample with the fewest available replicas (the first such), or undefined for an empty timeline. */
export function lowest(timeline: Sample[]): Sample | undefined {
  return timeline.reduce<Sample | undefined>((low, s) => (low === undefined || s.available < low.available ? s : low), undefined);
}

export interface Dip {
  from: number;
  /** When availability came back to the budget; undefined while it is still below. */
  to: number | undefined;
  available: number;
}

/** The stretches of time during which fewer replicas than `budget` were available. */
export function dips(timeline: Sample[], budget: number): Dip[] {
  const result: Dip[] = [];
  let open: Dip | undefined;
  for (const s of timeline) {
    if (s.available < budget) {
      if (open) open.available = Math.min(open.available, s.available);
      else {
        open = { from: s.t, to: undefined, available: s.available };
        result.push(open);
      }
    } else if (open) {
      open.to = s.t;
      open = undefined;
    }
  }
  return result;
}

/** The first moment the node was cordoned, or undefined. */
export function cordonedAt(timeline: Sample[]): Sample | undefined {
  return timeline.find((s) => s.node === 'cordoned');
}

/** The first moment the node was cordoned and held no pod but DaemonSet pods: the end of a drain. */
export function drainedAt(timeline: Sample[]): Sample | undefined {
  return timeline.find((s) => s.node === 'cordoned' && s.nodePods === 0);
}

export interface Deletion {
  /** When the node was seen gone. */
  t: number;
  /** The node's last state before it went: cordoned or not, and the pods still on it. */
  before: Sample;
}

/** Every time the node went from registered to deleted, with what it held just before. */
export function deletions(timeline: Sample[]): Deletion[] {
  const result: Deletion[] = [];
  timeline.forEach((s, i) => {
    const before = timeline[i - 1];
    if (s.node === 'absent' && before && before.node !== 'absent') result.push({ t: s.t, before });
  });
  return result;
}

/**
 * A deletion that took pods with it (something other than DaemonSet pods ran on the node), or
 * that came before any drain: an empty node is safe to delete only once a drain emptied it. A
 * node that registered again empty may be deleted again, cordoned or not.
 */
export function unsafeDeletions(timeline: Sample[]): Deletion[] {
  const drained = drainedAt(timeline);
  return deletions(timeline).filter((d) => d.before.nodePods > 0 || !drained || drained.t > d.before.t);
}
