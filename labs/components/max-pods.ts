// Helpers for the max-pods page: how each worker's pod slots are used, counted the way the
// scheduler counts them, and which of the lab's two sizes this cluster runs. Pure functions of
// the objects the kube.js cells return and of data/max-pods.json (the lab's constants).
import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Scale } from '../../checks/max-pods/constants.ts';

const KWOK = 'kwok.x-k8s.io/node';
const CONFIGZ = 'kubelab.dev/kubelet-configz';

/** Where kuard runs and how its pods are labelled (data/max-pods.json). */
export interface KuardPlace {
  namespace: string;
  label: { key: string; value: string };
}

/** One worker's pod slots. */
export interface WorkerRow {
  node: string | undefined;
  allocatable: number;
  kuard: number;
  other: number;
  free: number;
}

const isKuard = (where: KuardPlace) => (pod: V1Pod) =>
  pod.metadata?.namespace === where.namespace && pod.metadata?.labels?.[where.label.key] === where.label.value;
const isActive = (pod: V1Pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
const isControlPlane = (node: V1Node) => 'node-role.kubernetes.io/control-plane' in (node.metadata?.labels ?? {});
const isReady = (pod: V1Pod) =>
  pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const byName = (a: V1Node, b: V1Node) => String(a.metadata?.name).localeCompare(String(b.metadata?.name));

/** The workers, by name. */
export function workers(nodes: V1Node[]): V1Node[] {
  return nodes.filter((n) => !isControlPlane(n)).sort(byName);
}

/** "local" where kwok plays every worker's kubelet, "kind" where real kubelets run, undefined before the nodes are known. */
export function providerOf(nodes: V1Node[]): 'local' | 'kind' | undefined {
  const list = workers(nodes);
  if (list.length === 0) return undefined;
  return list.every((n) => KWOK in (n.metadata?.annotations ?? {})) ? 'local' : 'kind';
}

/** The lab's size on this cluster: the notes' numbers with kwok, the smaller one with real containers. */
export function scaleFor(nodes: V1Node[], scales: { notes: Scale; containers: Scale }): Scale {
  return providerOf(nodes) === 'local' ? scales.notes : scales.containers;
}

/** One row per worker: allocatable pods, kuard pods and other pods bound to it, free slots. */
export function workerLoad(nodes: V1Node[], pods: V1Pod[], where: KuardPlace): WorkerRow[] {
  const active = pods.filter(isActive);
  return workers(nodes).map((node) => {
    const name = node.metadata?.name;
    const here = active.filter((p) => p.spec?.nodeName === name);
    const kuard = here.filter(isKuard(where)).length;
    const allocatable = Number(node.status?.allocatable?.pods ?? 0);
    return { node: name, allocatable, kuard, other: here.length - kuard, free: Math.max(0, allocatable - here.length) };
  });
}

/** The same rows in long form, for a stacked bar chart: one row per worker and kind of pod. */
export function stackRows(load: WorkerRow[]): { node: string | undefined; pods: string; count: number }[] {
  return load.flatMap((w) => [
    { node: w.node, pods: 'other (DaemonSet, DNS)', count: w.other },
    { node: w.node, pods: 'kuard', count: w.kuard },
  ]);
}

/** kuard pods in total, Ready, and still waiting for a node. */
export function kuardSummary(pods: V1Pod[], where: KuardPlace): { total: number; ready: number; pending: number } {
  const kuard = pods.filter(isKuard(where)).filter(isActive);
  return { total: kuard.length, ready: kuard.filter(isReady).length, pending: kuard.filter((p) => !p.spec?.nodeName).length };
}

/** The sum the notes did by hand: each worker's allocatable pods minus the other pods on it. */
export function arithmetic(load: WorkerRow[]): { workers: number; slots: number; other: number; room: number } {
  const slots = load.reduce((sum, w) => sum + w.allocatable, 0);
  const other = load.reduce((sum, w) => sum + w.other, 0);
  return { workers: load.length, slots, other, room: load.reduce((sum, w) => sum + Math.max(0, w.allocatable - w.other), 0) };
}

/** The smallest limit, the same on every worker, that leaves a place for every replica next to the other pods. */
export function smallestLimit(load: WorkerRow[], replicas: number): number | undefined {
  if (load.length === 0) return undefined;
  let limit = 0;
  while (load.reduce((sum, w) => sum + Math.max(0, limit - w.other), 0) < replicas) limit++;
  return limit;
}

/** How many workers report at least `raised` allocatable pods: Exercise 2's progress, which gives no answer of Exercise 1 away. */
export function raisedCount(nodes: V1Node[], raised: number): { raised: number; of: number } {
  const list = workers(nodes);
  return { raised: list.filter((n) => Number(n.status?.allocatable?.pods ?? 0) >= raised).length, of: list.length };
}

/** One worker's row: the limit its Node reports and the one its kubelet runs with. */
export interface KubeletRow {
  node: string | undefined;
  'Node reports (allocatable pods)': string | undefined;
  'kubelet runs with (maxPods)': string;
}

/** Per worker: what its Node reports, and what its kubelet runs with where the page can see it (kwok's stand-in kubelet; a real one serves it at /configz). */
export function kubeletRows(nodes: V1Node[]): KubeletRow[] {
  return workers(nodes).map((node) => {
    const configz = node.metadata?.annotations?.[CONFIGZ];
    let running = 'see /configz';
    try {
      const parsed: { kubeletconfig?: { maxPods?: number } } | undefined = configz ? JSON.parse(configz) : undefined;
      if (parsed) running = String(parsed.kubeletconfig?.maxPods ?? '?');
    } catch {
      running = '?';
    }
    return {
      node: node.metadata?.name,
      'Node reports (allocatable pods)': node.status?.allocatable?.pods,
      'kubelet runs with (maxPods)': running,
    };
  });
}

/** An Event as the bridge sends it: JSON, whose timestamps are strings (client-node's types say Date). */
export type EventJson = Pick<CoreV1Event, 'reason' | 'message'> & {
  lastTimestamp?: string;
  eventTime?: string;
  metadata?: { creationTimestamp?: string };
};

/** The newest FailedScheduling message among the events, or undefined. */
export function latestFailure(events: EventJson[]): string | undefined {
  const time = (e: EventJson) => String(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '');
  return events.filter((e) => e.reason === 'FailedScheduling').sort((a, b) => time(b).localeCompare(time(a)))[0]?.message;
}

/** A heading and paragraphs of plain text, for content that appears only once an exercise passes. */
export function section(title: string, paragraphs: string[]): HTMLDivElement {
  const root = document.createElement('div');
  const heading = document.createElement('h3');
  heading.textContent = title;
  root.append(heading, ...paragraphs.map((content) => Object.assign(document.createElement('p'), { textContent: content })));
  return root;
}
