// The max-pods page counts what the checks count: its helpers (labs/components/max-pods.ts) and
// the lab's arithmetic agree on the same API objects, and the page tells the two sizes apart as
// the lab does.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { capacityOf, roomForKuard, scaleFor, smallestMaxPods } from '../../checks/max-pods/arithmetic.ts';
import { CONTAINER_SCALE, LABEL, NAMESPACE, NOTES_SCALE } from '../../checks/max-pods/constants.ts';
import * as page from '../../labs/components/max-pods.ts';

const where = { namespace: NAMESPACE, label: LABEL };
const scales = { notes: NOTES_SCALE, containers: CONTAINER_SCALE };

const node = (name: string, pods: number, { controlPlane = false, kwok = true } = {}): V1Node => ({
  metadata: {
    name,
    labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    annotations: kwok
      ? { 'kwok.x-k8s.io/node': 'fake', 'kubelab.dev/kubelet-configz': JSON.stringify({ kubeletconfig: { maxPods: pods } }) }
      : {},
  },
  status: { allocatable: { pods: String(pods) } },
});

const pod = (namespace: string, nodeName?: string): V1Pod => ({
  metadata: { namespace, labels: namespace === NAMESPACE ? { [LABEL.key]: LABEL.value } : {} },
  spec: { containers: [], nodeName },
  status: { phase: nodeName ? 'Running' : 'Pending', conditions: nodeName ? [{ type: 'Ready', status: 'True' }] : [] },
});

const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

function cluster(kwok = true) {
  const nodes = [node('kub1', 110, { controlPlane: true, kwok }), node('kub3', 6, { kwok }), node('kub2', 6, { kwok })];
  const pods = [
    pod('kube-system', 'kub1'),
    pod('kube-system', 'kub2'),
    pod('kube-system', 'kub3'),
    pod('kube-system', 'kub3'),
    ...times(5, () => pod(NAMESPACE, 'kub2')),
    ...times(4, () => pod(NAMESPACE, 'kub3')),
    ...times(3, () => pod(NAMESPACE)),
  ];
  return { nodes, pods };
}

describe('the max-pods page’s helpers', () => {
  it('count each worker’s pods, the room and the smallest limit as the checks do', () => {
    const { nodes, pods } = cluster();
    const load = page.workerLoad(nodes, pods, where);
    const c = capacityOf(nodes, pods);
    expect(load.map((w) => w.node)).toEqual(c.workers.map((w) => w.name));
    expect(load.map((w) => [w.kuard, w.other])).toEqual(c.workers.map((w) => [w.kuard, w.others]));
    expect(page.arithmetic(load).room).toBe(roomForKuard(c.workers));
    expect(page.kuardSummary(pods, where)).toEqual({ total: c.total, ready: c.ready, pending: c.pending });
    for (const replicas of [9, 12, 40]) expect(page.smallestLimit(load, replicas)).toBe(smallestMaxPods(c.workers, replicas));
  });

  it('tell the local provider from kind as the lab picks its size', () => {
    for (const kwok of [true, false]) {
      const { nodes } = cluster(kwok);
      expect(page.providerOf(nodes)).toBe(kwok ? 'local' : 'kind');
      expect(page.scaleFor(nodes, scales)).toEqual(scaleFor(nodes));
    }
    expect(page.providerOf([])).toBeUndefined();
  });

  it('show Exercise 2’s progress and what each kubelet runs with where the page can see it', () => {
    const { nodes } = cluster();
    expect(page.raisedCount(nodes, 6)).toEqual({ raised: 2, of: 2 });
    expect(page.raisedCount(nodes, 250)).toEqual({ raised: 0, of: 2 });
    expect(page.kubeletRows(cluster(false).nodes).map((r) => r['kubelet runs with (maxPods)'])).toEqual(['see /configz', 'see /configz']);
    expect(page.kubeletRows(nodes).map((r) => r['kubelet runs with (maxPods)'])).toEqual(['6', '6']);
  });

  it('pick the newest FailedScheduling message', () => {
    const events = [
      { reason: 'FailedScheduling', message: 'old', lastTimestamp: '2026-01-01T00:00:00Z' },
      { reason: 'Scheduled', message: 'other', lastTimestamp: '2026-01-03T00:00:00Z' },
      { reason: 'FailedScheduling', message: 'new', lastTimestamp: '2026-01-02T00:00:00Z' },
    ];
    expect(page.latestFailure(events)).toBe('new');
    expect(page.latestFailure([])).toBeUndefined();
  });
});
