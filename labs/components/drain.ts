// Helpers for the drain page: read the availability record the lab's watcher keeps in
// ConfigMap kubelab/drain-availability (see checks/drain/watcher/record.ts), shape it for Plot,
// and tell which provider runs the cluster so the page shows commands that work there.
import type { V1CertificateSigningRequest, V1ConfigMap, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Departure } from '../../checks/drain/watcher/departures.ts';
import type { NodeState, Sample } from '../../checks/drain/watcher/timeline.ts';

const EVICTION_REASON = 'EvictionByEvictionAPI';
const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

/** The availability record as the page reads it from the watcher's ConfigMap. */
export interface PageRecord {
  node: string | undefined;
  /** namespace/name */
  deployment: string | undefined;
  budget: number;
  startedAt: number;
  heartbeat: number;
  timeline: Sample[];
  departures: Departure[];
}

/** The record in a ConfigMap, or null when there is none yet. */
export function parseRecord(configMap: V1ConfigMap | null | undefined): PageRecord | null {
  const d = configMap?.data;
  if (!d?.timeline) return null;
  try {
    return {
      node: d.node,
      deployment: d.deployment,
      budget: Number(d.budget),
      startedAt: Date.parse(d.startedAt ?? ''),
      heartbeat: Date.parse(d.heartbeat ?? ''),
      timeline: JSON.parse(d.timeline),
      departures: d.departures ? JSON.parse(d.departures) : [],
    };
  } catch {
    return null;
  }
}

/**
 * The timeline as points of a step line, with a last point at `now` so the line reaches the
 * present: the state of the last sample still holds.
 */
export function availabilityPoints(record: PageRecord, now = Date.now()): { time: Date; available: number; desired: number }[] {
  const points = record.timeline.map((s) => ({ time: new Date(s.t), available: s.available, desired: s.desired }));
  const last = points.at(-1);
  if (last && now > last.time.getTime()) points.push({ ...last, time: new Date(now) });
  return points;
}

/** Stretches of time with the node in one state (schedulable, cordoned, absent), for a band under the line. */
export function nodePhases(record: PageRecord, now = Date.now()): { state: NodeState; start: Date; end: Date }[] {
  const phases: { state: NodeState; start: Date; end: Date }[] = [];
  for (const s of record.timeline) {
    const open = phases.at(-1);
    if (open && open.state === s.node) continue;
    if (open) open.end = new Date(s.t);
    phases.push({ state: s.node, start: new Date(s.t), end: new Date(now) });
  }
  return phases;
}

/** A stretch below the budget: `to` is null while it lasts; `available` is the fewest seen in it. */
export interface BelowBudget {
  from: Date;
  to: Date | null;
  available: number;
}

/** Stretches with fewer available replicas than the budget. */
export function belowBudget(record: PageRecord): BelowBudget[] {
  const result: BelowBudget[] = [];
  let open: BelowBudget | null = null;
  for (const s of record.timeline) {
    if (s.available < record.budget) {
      if (open) open.available = Math.min(open.available, s.available);
      else {
        open = { from: new Date(s.t), to: null, available: s.available };
        result.push(open);
      }
    } else if (open) {
      open.to = new Date(s.t);
      open = null;
    }
  }
  return result;
}

/** How a pod left the node, in words. */
function howItLeft(reason: string): string {
  if (reason === EVICTION_REASON) return 'evicted (Eviction API)';
  return reason ? `removed: ${reason}` : 'deleted without an eviction';
}

/** The pods that left the watched node, oldest first, as table rows. */
export function departureRows(record: PageRecord): Record<string, string>[] {
  return record.departures.map((d) => ({
    time: new Date(d.t).toLocaleTimeString(),
    pod: d.pod,
    'how it left': howItLeft(d.reason),
  }));
}

/** The lab's pods, one row each: where they run and what owns them. */
export function podRows(pods: V1Pod[]): Record<string, string | undefined>[] {
  return [...pods]
    .sort((a, b) => (a.spec?.nodeName ?? '').localeCompare(b.spec?.nodeName ?? '') || a.metadata!.name!.localeCompare(b.metadata!.name!))
    .map((pod) => ({
      pod: pod.metadata!.name,
      node: pod.spec?.nodeName ?? '(Pending)',
      'owned by': pod.metadata!.ownerReferences?.[0]?.kind ?? 'nothing',
      status: pod.metadata!.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? ''),
    }));
}

/** "local" when kwok plays the kubelets, "kind" when the nodes are kind containers, undefined before the nodes are known. */
export function providerOf(nodes: V1Node[]): 'local' | 'kind' | 'other' | undefined {
  if (!nodes.length) return undefined;
  if (nodes.some((n) => n.metadata?.annotations?.[KWOK_ANNOTATION] !== undefined)) return 'local';
  return nodes.some((n) => n.spec?.providerID?.startsWith('kind://')) ? 'kind' : 'other';
}

/** The kind cluster's control-plane container, read from its Node's providerID (kind://docker/<cluster>/<container>). */
export function controlPlaneContainer(nodes: V1Node[]): string | undefined {
  const controlPlane = nodes.find((n) => Object.hasOwn(n.metadata?.labels ?? {}, 'node-role.kubernetes.io/control-plane'));
  return controlPlane?.spec?.providerID?.split('/').at(-1);
}

/** The certificate requests joining nodes made with a bootstrap token, newest first, as table rows. */
export function csrRows(csrs: V1CertificateSigningRequest[]): Record<string, string | undefined>[] {
  // The bridge sends the timestamp as JSON's string; client-node's type says Date: either parses.
  const created = (c: V1CertificateSigningRequest) => new Date(c.metadata!.creationTimestamp!);
  return csrs
    .filter((c) => c.spec?.username?.startsWith('system:bootstrap:'))
    .sort((a, b) => created(b).getTime() - created(a).getTime())
    .map((c) => ({
      name: c.metadata!.name,
      requestor: c.spec.username,
      signer: c.spec.signerName,
      created: created(c).toLocaleTimeString(),
      condition: [...(c.status?.conditions ?? []).map((x) => x.type), ...(c.status?.certificate ? ['Issued'] : [])].join(','),
    }));
}
