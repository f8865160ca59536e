// The arithmetic the drain lab's checks apply to the watcher's record.
import { describe, expect, it } from 'vitest';
import { fromConfigMap, STALE_MS, toConfigMapData, watcherAlive, type AvailabilityRecord } from '../../checks/drain/watcher/record.ts';
import {
  append,
  cordonedAt,
  deletions,
  dips,
  drainedAt,
  lowest,
  MAX_SAMPLES,
  unsafeDeletions,
  type Sample,
} from '../../checks/drain/watcher/timeline.ts';

const s = (t: number, available: number, node: Sample['node'] = 'schedulable', nodePods = 2, desired = 6): Sample => ({
  t,
  available,
  desired,
  node,
  nodePods,
});

/** A drain under a budget of 5 of 6 with two replicas on the node, then delete and rebuild. */
const careful: Sample[] = [
  s(0, 6, 'schedulable', 2),
  s(10, 6, 'cordoned', 2),
  s(11, 6, 'cordoned', 1),
  s(12, 5, 'cordoned', 1),
  s(15, 6, 'cordoned', 1),
  s(16, 6, 'cordoned', 0),
  s(17, 5, 'cordoned', 0),
  s(19, 6, 'cordoned', 0),
  s(30, 6, 'absent', 0),
  s(31, 6, 'schedulable', 0),
];

describe('availability timeline', () => {
  it('appends a sample only when something changed', () => {
    const one = append([], s(0, 6));
    expect(append(one, s(5, 6))).toBe(one);
    expect(append(one, s(5, 5))).toHaveLength(2);
    expect(append(one, s(5, 6, 'cordoned'))).toHaveLength(2);
    expect(append(one, s(5, 6, 'schedulable', 1))).toHaveLength(2);
  });

  it('keeps the newest samples once the cap is reached', () => {
    let timeline: Sample[] = [];
    for (let i = 0; i < MAX_SAMPLES + 10; i++) timeline = append(timeline, s(i, i % 2 ? 5 : 6));
    expect(timeline).toHaveLength(MAX_SAMPLES);
    expect(timeline[0]!.t).toBe(10);
    expect(timeline.at(-1)!.t).toBe(MAX_SAMPLES + 9);
  });

  it('finds the lowest availability, the first time it occurred', () => {
    expect(lowest(careful)).toEqual(careful[3]);
    expect(lowest([])).toBeUndefined();
  });

  it('a drain that respects the budget has no dips below it', () => {
    expect(dips(careful, 5)).toEqual([]);
    expect(dips(careful, 6)).toEqual([
      { from: 12, to: 15, available: 5 },
      { from: 17, to: 19, available: 5 },
    ]);
  });

  it('a dip still open at the end has no end time, and keeps its lowest value', () => {
    const timeline = [s(0, 6), s(1, 4), s(2, 3), s(3, 5), s(4, 6), s(5, 2)];
    expect(dips(timeline, 5)).toEqual([
      { from: 1, to: 3, available: 3 },
      { from: 5, to: undefined, available: 2 },
    ]);
  });

  it('the drain ends at the first moment the cordoned node holds only DaemonSet pods', () => {
    expect(cordonedAt(careful)?.t).toBe(10);
    expect(drainedAt(careful)?.t).toBe(16);
    expect(drainedAt([s(0, 6, 'schedulable', 0)])).toBeUndefined();
    expect(drainedAt([s(0, 6, 'cordoned', 1)])).toBeUndefined();
  });

  it('a deletion after a drain is safe; one of a busy or schedulable node is not', () => {
    expect(deletions(careful)).toEqual([{ t: 30, before: careful[7] }]);
    expect(unsafeDeletions(careful)).toEqual([]);
    const hasty = [s(0, 6, 'schedulable', 2), s(5, 6, 'absent', 2), s(60, 4, 'absent', 0)];
    expect(unsafeDeletions(hasty)).toEqual([{ t: 5, before: hasty[0] }]);
    const cordonedOnly = [s(0, 6, 'cordoned', 1), s(5, 6, 'absent', 1)];
    expect(unsafeDeletions(cordonedOnly)).toHaveLength(1);
    expect(deletions([s(0, 6, 'absent', 0)])).toEqual([]);
  });

  it('an empty node is safe to delete only once a drain emptied it, then again after it registered anew', () => {
    const neverDrained = [s(0, 6, 'schedulable', 0), s(5, 6, 'absent', 0)];
    expect(unsafeDeletions(neverDrained)).toHaveLength(1);
    const again = [...careful, s(40, 6, 'absent', 0), s(50, 6, 'schedulable', 0)];
    expect(deletions(again)).toHaveLength(2);
    expect(unsafeDeletions(again)).toEqual([]);
  });
});

describe('availability record', () => {
  const record: AvailabilityRecord = {
    owner: 'b8e1c6a4-0000-4000-8000-000000000000',
    pid: 4242,
    startedAt: Date.parse('2026-01-02T03:04:05.000Z'),
    heartbeat: Date.parse('2026-01-02T03:05:00.000Z'),
    target: { namespace: 'drain', deployment: 'kuard', node: 'kub2' },
    budget: 5,
    nodeUid: '14776c6d-1fc3-4993-a251-75b4806d7e5d',
    lowest: careful[3],
    timeline: careful,
    departures: [{ t: 11, pod: 'drain/kuard-1', uid: 'u1', reason: 'EvictionByEvictionAPI' }],
  };

  it('round-trips through ConfigMap data, which holds only strings', () => {
    const data = toConfigMapData(record);
    expect(Object.values(data).every((v) => typeof v === 'string')).toBe(true);
    expect(data.deployment).toBe('drain/kuard');
    expect(fromConfigMap({ data })).toEqual(record);
  });

  it('reads a record written before departures were kept as one with none', () => {
    const { departures: _, ...older } = toConfigMapData(record);
    expect(fromConfigMap({ data: older })?.departures).toEqual([]);
  });

  it('is not a record when keys are missing or the timeline is not JSON', () => {
    expect(fromConfigMap(undefined)).toBeUndefined();
    expect(fromConfigMap({ data: { owner: 'x' } })).toBeUndefined();
    expect(fromConfigMap({ data: { ...toConfigMapData(record), timeline: '[{' } })).toBeUndefined();
  });

  it('counts the watcher as stopped once its heartbeat is older than the limit', () => {
    expect(watcherAlive(record, record.heartbeat + STALE_MS)).toBe(true);
    expect(watcherAlive(record, record.heartbeat + STALE_MS + 1)).toBe(false);
  });
});
