// The max-pods lab's arithmetic, its record of the stall, its pointers for wrong answers and its
// kubelet configuration edits, on objects shaped as the API returns them and on real files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  capacityOf,
  isStalled,
  mainReason,
  NOTES_SCALE,
  roomForKuard,
  sameReason,
  schedulingReasons,
  smallestMaxPods,
} from '../../checks/max-pods/arithmetic.ts';
import { setMaxPodsCommand, shellWord } from '../../checks/max-pods/commands.ts';
import { maxPodsIn, withoutMaxPods } from '../../checks/max-pods/kubelet-file.ts';
import { pointer, reasonPointer } from '../../checks/max-pods/slips.ts';
import { holds, sealStall, stallFacts } from '../../checks/max-pods/stall-record.ts';
import { DEFAULT_MAX_PODS } from '../../src/engine/sdk.ts';

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
    expect(c).toMatchObject({ total: 12, ready: 7, pending: 5, othersOnControlPlane: 1 });
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
  // Recorded from this project's Kubernetes 1.36 cluster, and quoted in the source notes (an older scheduler).
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

describe('the stall, run backwards', () => {
  const { nodes, system } = cluster();
  const stalled = capacityOf(nodes, [
    ...system,
    ...times(3, () => pod('kuard', 'kub2')),
    ...times(4, () => pod('kuard', 'kub3')),
    ...times(5, () => pod('kuard', undefined)),
  ]);

  it('finds the smallest max pods, the same on every worker, that fits every replica', () => {
    // (12 replicas + 3 other pods) / 2 workers, rounded up.
    expect(smallestMaxPods(stalled.workers, 12)).toBe(8);
    expect(roomForKuard(stalled.workers.map((w) => ({ ...w, allocatable: 8 })))).toBeGreaterThanOrEqual(12);
    expect(roomForKuard(stalled.workers.map((w) => ({ ...w, allocatable: 7 })))).toBeLessThan(12);
  });

  it('counts a worker crowded with other pods as lending no slot', () => {
    const crowded = [
      { name: 'a', allocatable: 5, kuard: 0, others: 9 },
      { name: 'b', allocatable: 5, kuard: 0, others: 0 },
    ];
    // (4 + 9) / 2 rounds up to 7, but a lends no slot below 10 and b alone holds 4 at 4.
    expect(smallestMaxPods(crowded, 4)).toBe(4);
    expect(smallestMaxPods(crowded, 12)).toBe(11);
  });

  it('the notes’ cluster: 5 × 110 − 6 = 544 Ready, and 162 would have been enough where 250 was chosen', () => {
    const workers = ['w1', 'w2', 'w3', 'w4', 'w5'].map((name, i) => ({ name, allocatable: 110, kuard: 0, others: i === 0 ? 2 : 1 }));
    expect(roomForKuard(workers)).toBe(544);
    expect(smallestMaxPods(workers, 800)).toBe(162);
    expect(NOTES_SCALE).toEqual({ replicas: 800, defaultMaxPods: DEFAULT_MAX_PODS, raisedMaxPods: 250 });
  });

  it('keeps digests, not numbers, and tells which number a fact had', () => {
    const record = sealStall(stalled, 12, '2026-01-01T00:00:00Z');
    expect(stallFacts(stalled, 12)).toEqual({
      ready: 7,
      'max-pods': 5,
      'other-pods': 3,
      'other-pods-all-nodes': 4,
      'min-max-pods': 8,
      'all-slots': 10,
    });
    expect(JSON.stringify(record.digests)).not.toMatch(/"\d+"/);
    expect(holds(record, 'ready', 7)).toBe(true);
    expect(holds(record, 'ready', 8)).toBe(false);
    expect(holds(record, 'max-pods', 5)).toBe(true);
    expect(holds(sealStall(stalled, 12, 'then'), 'ready', 7)).toBe(true);
  });

  it('points a wrong number at its likely slip, never at the answer', () => {
    const record = sealStall(stalled, 12, 'now');
    const scale = { replicas: 12, defaultMaxPods: 5, raisedMaxPods: 9 };
    const cases: [Parameters<typeof pointer>[0], number, RegExp][] = [
      ['ready', 12, /DESIRED/],
      ['ready', 10, /every pod slot/],
      ['ready', 3, /READY column/],
      ['max-pods', 9, /Exercise 2 raises/],
      ['max-pods', 7, /kuard pods are Ready/],
      ['max-pods', 4, /Allocatable/],
      ['other-pods', 4, /control plane/],
      ['other-pods', 2, /one pod per worker/],
      ['other-pods', 6, /leave out namespace kuard/],
      ['min-max-pods', 9, /not the smallest/],
      ['min-max-pods', 5, /stalled/],
      ['min-max-pods', 6, /other pods on the workers/],
      ['min-max-pods', 11, /one less/],
    ];
    for (const [key, given, said] of cases) {
      const told = pointer(key, given, record, scale);
      expect(told, `${key} = ${given}`).toMatch(said);
      // The right numbers here are 7, 5, 3 and 8.
      expect(told, `${key} = ${given}`).not.toMatch(/\b[7538]\b/);
    }
  });

  it('points a wrong reason at the notes’ wording, at the control plane, or at the event', () => {
    const message =
      '0/6 nodes are available: 1 node(s) had untolerated taint(s), 5 Too many pods. preemption: 0/6 nodes are available: 6 No preemption victims found.';
    expect(reasonPointer('Insufficient pods', message)).toMatch(/notes’ day/);
    expect(reasonPointer('node(s) had untolerated taint(s)', message)).toMatch(/control plane/);
    expect(reasonPointer('out of memory', message)).toMatch(/describe pod/);
    for (const given of ['Insufficient pods', 'out of memory']) expect(reasonPointer(given, message)).not.toMatch(/Too many/i);
  });
});

describe('kubelet configuration', () => {
  const kubeadmWrote =
    'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# kept\ncgroupDriver: systemd\nmaxPods: 110\n';

  it('reads maxPods, or the kubelet’s default when unset', () => {
    expect(maxPodsIn(kubeadmWrote, 'f')).toBe(110);
    expect(maxPodsIn('kind: KubeletConfiguration\nmaxPods: 250\n', 'f')).toBe(250);
    expect(maxPodsIn('kind: KubeletConfiguration\n', 'f')).toBe(DEFAULT_MAX_PODS);
    expect(maxPodsIn('maxPods: lots\n', 'f')).toBeUndefined();
    expect(() => maxPodsIn('maxPods: 1\nmaxPods: 2\n', 'the file of kub2')).toThrow(/the file of kub2 is not valid YAML/);
  });

  it('takes maxPods out of kubeadm’s ConfigMap and keeps the rest', () => {
    const restored = withoutMaxPods(kubeadmWrote, 'cm');
    expect(parse(restored)).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd' });
    expect(restored).toContain('# kept');
    const untouched = 'kind: KubeletConfiguration\n';
    expect(withoutMaxPods(untouched, 'cm')).toBe(untouched);
  });

  it('the solution’s edit sets maxPods in bash whether or not the file has the line, in a path with spaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'max pods '));
    const run = (file: string) => execFileSync('bash', ['-o', 'pipefail', '-c', setMaxPodsCommand(file, 250)]);
    const withLine = join(dir, 'with line.yaml');
    writeFileSync(withLine, kubeadmWrote);
    run(withLine);
    run(withLine);
    expect(parse(readFileSync(withLine, 'utf8'))).toMatchObject({ maxPods: 250, cgroupDriver: 'systemd' });
    expect(readFileSync(`${withLine}.bak`, 'utf8')).toContain('maxPods: 250');
    const without = join(dir, 'without.yaml');
    writeFileSync(without, 'kind: KubeletConfiguration\n');
    run(without);
    run(without);
    expect(maxPodsIn(readFileSync(without, 'utf8'), without)).toBe(250);
    // It nests in sh -c '…' as kind's docker exec wraps it: no single quote to escape.
    expect(setMaxPodsCommand('/var/lib/kubelet/config.yaml', 24)).not.toContain("'");
    for (const word of ["it's", 'Too many pods', '543', '$HOME'])
      expect(execFileSync('bash', ['-c', `printf %s ${shellWord(word)}`], { encoding: 'utf8' })).toBe(word);
  });
});
