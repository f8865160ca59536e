// The max-pods lab's arithmetic: pure functions of the objects the API returns (no cluster
// I/O), so the checks, the solutions and the unit tests count pod slots the same way.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { isPodReady, KWOK_ANNOTATION, rolesOf } from '../../src/engine/sdk.ts';
import { CONTAINER_SCALE, LABEL, NAMESPACE, NOTES_SCALE, type Scale } from './constants.ts';

export { CONTAINER_SCALE, NOTES_SCALE, type Scale };

export const isWorker = (node: V1Node) => !rolesOf(node).includes('control-plane');

/**
 * Where kwok plays every worker's kubelet, pods are API objects only and the notes' numbers fit
 * any laptop; real kubelets start a container per pod, so the lab runs at the smaller scale.
 */
export function scaleFor(nodes: V1Node[]): Scale {
  const workers = nodes.filter(isWorker);
  return workers.length > 0 && workers.every((n) => n.metadata?.annotations?.[KWOK_ANNOTATION] !== undefined)
    ? NOTES_SCALE
    : CONTAINER_SCALE;
}

export interface WorkerLoad {
  name: string;
  /** status.allocatable.pods: the kubelet's maxPods, as it reports it. */
  allocatable: number;
  kuard: number;
  /** Pods of anything else bound to this worker (DaemonSets, DNS): they use slots too. */
  others: number;
}

export interface Capacity {
  workers: WorkerLoad[];
  /** kuard pods in total, Ready, and waiting for a node. */
  total: number;
  ready: number;
  pending: number;
  /** Pods other than kuard bound to the control plane: the slip of counting every node. */
  othersOnControlPlane: number;
}

const isKuard = (pod: V1Pod) => pod.metadata?.namespace === NAMESPACE && pod.metadata?.labels?.[LABEL.key] === LABEL.value;
const isActive = (pod: V1Pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** How the workers' pod slots are used, counted the way the scheduler counts them. */
export function capacityOf(nodes: V1Node[], pods: V1Pod[]): Capacity {
  const active = pods.filter(isActive);
  const kuard = active.filter(isKuard);
  const workers = nodes.filter(isWorker).map((node): WorkerLoad => {
    const name = node.metadata?.name ?? '';
    const on = active.filter((p) => p.spec?.nodeName === name);
    const kuardHere = on.filter(isKuard).length;
    return { name, allocatable: Number(node.status?.allocatable?.pods ?? 0), kuard: kuardHere, others: on.length - kuardHere };
  });
  const controlPlanes = new Set(nodes.filter((n) => !isWorker(n)).map((n) => n.metadata?.name));
  return {
    workers: workers.sort((a, b) => a.name.localeCompare(b.name)),
    total: kuard.length,
    ready: kuard.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length,
    pending: kuard.filter((p) => !p.spec?.nodeName).length,
    othersOnControlPlane: active.filter((p) => controlPlanes.has(p.spec?.nodeName) && !isKuard(p)).length,
  };
}

/** kuard replicas the workers can hold: on each, its allocatable pods minus everything else bound there. */
export function roomForKuard(workers: WorkerLoad[]): number {
  return roomAt(workers, (w) => w.allocatable);
}

function roomAt(workers: WorkerLoad[], limitOf: (w: WorkerLoad) => number): number {
  return workers.reduce((sum, w) => sum + Math.max(0, limitOf(w) - w.others), 0);
}

/** Pods of anything but kuard on the workers together. */
export function otherPods(workers: WorkerLoad[]): number {
  return workers.reduce((sum, w) => sum + w.others, 0);
}

/**
 * The smallest max pods, the same on every worker, at which all replicas fit next to the other
 * pods: the stall's arithmetic run backwards, (replicas + other pods) / workers rounded up, as
 * long as no worker holds more other pods than that (such a worker lends no slot at all).
 */
export function smallestMaxPods(workers: WorkerLoad[], replicas: number): number {
  if (workers.length === 0) return Number.NaN;
  let limit = 0;
  while (roomAt(workers, () => limit) < replicas) limit++;
  return limit;
}

/** What every worker reported as allocatable pods, when they all agree. */
export function commonAllocatable(workers: WorkerLoad[]): number | undefined {
  return new Set(workers.map((w) => w.allocatable)).size === 1 ? workers[0]!.allocatable : undefined;
}

/** Nothing more can happen: every replica exists, some wait for a node, every worker is full and every bound replica is Ready. */
export function isStalled(c: Capacity, replicas: number): boolean {
  const bound = c.workers.reduce((sum, w) => sum + w.kuard, 0);
  return c.total >= replicas && c.pending > 0 && c.workers.every((w) => w.kuard + w.others >= w.allocatable) && c.ready === bound;
}

export interface ReasonCount {
  count: number;
  reason: string;
}

/**
 * The per-node reasons of a FailedScheduling message, e.g. "0/6 nodes are available:
 * 1 node(s) had untolerated taint(s), 5 Too many pods. preemption: ..." gives
 * [{1, "node(s) had untolerated taint(s)"}, {5, "Too many pods"}].
 */
export function schedulingReasons(message: string): ReasonCount[] {
  const match = /nodes are available: (.*?)(?:\.\s|\.$|$)/.exec(message);
  if (!match) return [];
  return match[1]!
    .split(/,\s*(?=\d+\s)/)
    .map((part) => /^(\d+)\s+(.+)$/.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ count: Number(m[1]), reason: m[2]!.trim() }));
}

/** The reason given for the most nodes: on the notes' cluster, the one every worker reported. */
export function mainReason(message: string): string | undefined {
  return [...schedulingReasons(message)].sort((a, b) => b.count - a.count)[0]?.reason;
}

/** Compares reasons as a person would type them: any case, with or without the node count or a final full stop. */
export function sameReason(answer: string, reason: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/^\s*\d+\s+/, '')
      .replace(/[.\s]+$/, '')
      .replace(/\s+/g, ' ')
      .trim();
  return norm(answer) !== '' && norm(answer) === norm(reason);
}
