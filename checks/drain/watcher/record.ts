// How the availability watcher stores what it saw: a ConfigMap that checks can read with
// their read-only identity, and that the lab pages can watch from a browser.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Departure } from './departures.ts';
import type { Sample } from './timeline.ts';

/** What the watcher watches: a Deployment's availability and one node. */
export interface WatchTarget {
  namespace: string;
  deployment: string;
  node: string;
}

export interface RecordRef {
  namespace: string;
  name: string;
}

export interface AvailabilityRecord {
  /** Identifies the watcher that writes this record; a newer watcher takes over by writing its own. */
  owner: string;
  pid: number;
  startedAt: number;
  /** Refreshed every few seconds while the watcher runs. */
  heartbeat: number;
  target: WatchTarget;
  /** The PodDisruptionBudget's minAvailable when the watcher started. */
  budget: number;
  /** The watched node's uid when the watcher started: a node that was deleted and registered again has another. */
  nodeUid: string;
  /** The fewest available replicas seen, kept even when old samples are dropped. */
  lowest: Sample | undefined;
  timeline: Sample[];
  /** The pods that left the watched node since the watcher started, and how (DaemonSet pods aside). */
  departures: Departure[];
}

/** How often the watcher refreshes its heartbeat, and how old a heartbeat may be before the watcher counts as stopped. */
export const HEARTBEAT_MS = 2000;
export const STALE_MS = 10_000;

export function toConfigMapData(record: AvailabilityRecord): Record<string, string> {
  return {
    owner: record.owner,
    pid: String(record.pid),
    startedAt: new Date(record.startedAt).toISOString(),
    heartbeat: new Date(record.heartbeat).toISOString(),
    deployment: `${record.target.namespace}/${record.target.deployment}`,
    node: record.target.node,
    budget: String(record.budget),
    nodeUid: record.nodeUid,
    lowest: record.lowest ? JSON.stringify(record.lowest) : '',
    timeline: JSON.stringify(record.timeline),
    departures: JSON.stringify(record.departures),
  };
}

/** Reads a record back; undefined when the ConfigMap is missing or is not a record. */
export function fromConfigMap(cm: V1ConfigMap | undefined): AvailabilityRecord | undefined {
  const d = cm?.data;
  if (!d?.owner || !d.deployment || !d.node || !d.timeline) return undefined;
  const [namespace = '', deployment = ''] = d.deployment.split('/');
  try {
    return {
      owner: d.owner,
      pid: Number(d.pid),
      startedAt: Date.parse(d.startedAt ?? ''),
      heartbeat: Date.parse(d.heartbeat ?? ''),
      target: { namespace, deployment, node: d.node },
      budget: Number(d.budget),
      nodeUid: d.nodeUid ?? '',
      lowest: d.lowest ? (JSON.parse(d.lowest) as Sample) : undefined,
      timeline: JSON.parse(d.timeline) as Sample[],
      // A record written before departures were kept has none.
      departures: d.departures ? (JSON.parse(d.departures) as Departure[]) : [],
    };
  } catch {
    return undefined;
  }
}

/** Whether the watcher was still writing its record at `now`. */
export function watcherAlive(record: AvailabilityRecord, now = Date.now()): boolean {
  return now - record.heartbeat <= STALE_MS;
}
