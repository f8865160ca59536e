// The max-pods lab's arithmetic, on objects shaped as the API returns them.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { capacityOf, isStalled, mainReason, roomForKuard, sameReason, schedulingReasons } from '../../checks/max-pods/arithmetic.ts';

const node = (name: string, pods: number, controlPlane = false): V1Node => ({
  metadata: { name, labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
  status: { allocatable: { pods: String(pods) } },
});

const pod = (
  namespace: string,
  nodeName: string | undefined,
  ready = true,
  labels: Record<string, string> = namespace === 'kuard' ? { run: 'kuard' } : {},
): V1Pod => ({
  metadata: { namespace, labels },
  spec: { containers: [], nodeName },
  status: nodeName
    ? { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
    : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
});

const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

/** The notes' cluster in miniature: two workers of 5 pods, a kube-proxy on each, DNS on one. */
function cluster(allocatable = 5) {
  const nodes = [node('kub1', 110, true), node('kub2', allocatable), node('kub3', allocatable)];
  const system = [pod('kube-system', 'kub1'), pod('kube-system', 'kub2'), pod('kube-system', 'kub3'), pod('kube-system', 'kub2')];
  return { nodes, system };
}

describe('max-pods arithmetic', () => {
  it('counts each worker’s kuard and other pods, and ignores the control plane and finished pods', () => {
    const { nodes, system } = cluster();
    const done: V1Pod = { ...pod('kuard', 'kub3'), status: { phase: 'Succeeded' } };
    const kuard = [
      ...times(3, () => pod('kuard', 'kub2')),
      ...times(4, () => pod('kuard', 'kub3')),
      ...times(5, () => pod('kuard', undefined)),
      done,
    ];
    const c = capacityOf(nodes, [...system, ...kuard]);
    expect(c.workers).toEqual([
      { name: 'kub2', allocatable: 5, kuard: 3, others: 2 },
      { name: 'kub3', allocatable: 5, kuard: 4, others: 1 },
    ]);
    expect(c).toMatchObject({ total: 12, ready: 7, pending: 5 });
    // 2 workers × 5 slots, minus the 3 other pods: the notes' 5 × 110 − 6 = 544 in small.
    expect(roomForKuard(c.workers)).toBe(7);
    expect(isStalled(c, 12)).toBe(true);
  });

  it('is not stalled while replicas are missing, a worker has room, or a bound replica is not Ready yet', () => {
    const { nodes, system } = cluster();
    const full = [
      ...times(3, () => pod('kuard', 'kub2')),
      ...times(4, () => pod('kuard', 'kub3')),
      ...times(5, () => pod('kuard', undefined)),
    ];
    expect(isStalled(capacityOf(nodes, [...system, ...full]), 13)).toBe(false);
    const roomLeft = [
      ...times(2, () => pod('kuard', 'kub2')),
      ...times(4, () => pod('kuard', 'kub3')),
      ...times(6, () => pod('kuard', undefined)),
    ];
    expect(isStalled(capacityOf(nodes, [...system, ...roomLeft]), 12)).toBe(false);
    const starting = [
      ...times(2, () => pod('kuard', 'kub2')),
      pod('kuard', 'kub2', false),
      ...times(4, () => pod('kuard', 'kub3')),
      ...times(5, () => pod('kuard', undefined)),
    ];
    expect(isStalled(capacityOf(nodes, [...system, ...starting]), 12)).toBe(false);
    const none = [...times(3, () => pod('kuard', 'kub2')), ...times(4, () => pod('kuard', 'kub3'))];
    expect(isStalled(capacityOf(nodes, [...system, ...none]), 7)).toBe(false);
  });

  it('room grows with max pods', () => {
    const { nodes, system } = cluster(250);
    expect(roomForKuard(capacityOf(nodes, system).workers)).toBe(2 * 250 - 3);
  });
});

describe('FailedScheduling messages', () => {
  // Recorded from this project's Kubernetes 1.36 cluster, and quoted in the source notes (1.9).
  const now =
    '0/6 nodes are available: 1 node(s) had untolerated taint(s), 5 Too many pods. no new claims to deallocate, preemption: 0/6 nodes are available: 1 Preemption is not helpful for scheduling, 5 No preemption victims found for incoming pod.';
  const then = '0/5 nodes are available: 1 NodeNotReady, 5 Insufficient pods.';
  const taintDetail =
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';

  it('splits the reasons per group of nodes, and stops before the preemption part', () => {
    expect(schedulingReasons(now)).toEqual([
      { count: 1, reason: 'node(s) had untolerated taint(s)' },
      { count: 5, reason: 'Too many pods' },
    ]);
    expect(schedulingReasons(then)).toEqual([
      { count: 1, reason: 'NodeNotReady' },
      { count: 5, reason: 'Insufficient pods' },
    ]);
    expect(schedulingReasons(taintDetail)[0]!.reason).toBe('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
    expect(schedulingReasons('something else')).toEqual([]);
  });

  it('names the reason given for the most nodes', () => {
    expect(mainReason(now)).toBe('Too many pods');
    expect(mainReason(then)).toBe('Insufficient pods');
    expect(mainReason(taintDetail)).toBe('Too many pods');
  });

  it('accepts an answer in any case, with or without the count or a full stop', () => {
    for (const answer of ['Too many pods', 'too many pods', '5 Too many pods.', '  Too  many pods '])
      expect(sameReason(answer, 'Too many pods')).toBe(true);
    for (const answer of ['', 'Insufficient pods', 'many pods', 'Too many pods per node'])
      expect(sameReason(answer, 'Too many pods')).toBe(false);
  });
});
