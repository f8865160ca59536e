// How the drain lab tells an eviction from a deletion: the DisruptionTarget condition the API
// server writes on a pod it evicts, kept by the watcher as the pod leaves.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  disruptionReason,
  howItLeft,
  MAX_DEPARTURES,
  noteDeparture,
  wasEvicted,
  type Departure,
} from '../../checks/drain/watcher/departures.ts';

const pod = (conditions: { type: string; status: string; reason?: string }[]): V1Pod => ({ status: { conditions } });
const left = (uid: string, reason = '', t = 1): Departure => ({ t, pod: `drain/${uid}`, uid, reason });

describe('departures', () => {
  it('reads the reason of a true DisruptionTarget condition, and nothing else', () => {
    expect(
      disruptionReason(
        pod([
          { type: 'Ready', status: 'True' },
          { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' },
        ]),
      ),
    ).toBe('EvictionByEvictionAPI');
    expect(disruptionReason(pod([{ type: 'DisruptionTarget', status: 'False', reason: 'EvictionByEvictionAPI' }]))).toBe('');
    expect(disruptionReason(pod([{ type: 'Ready', status: 'True' }]))).toBe('');
    expect(disruptionReason({})).toBe('');
  });

  it('counts only the Eviction API as an eviction', () => {
    expect(wasEvicted(left('a', 'EvictionByEvictionAPI'))).toBe(true);
    expect(wasEvicted(left('a', 'DeletionByPodGC'))).toBe(false);
    expect(wasEvicted(left('a'))).toBe(false);
    expect(howItLeft(left('a'))).toBe('drain/a was deleted without an eviction');
    expect(howItLeft(left('a', 'DeletionByPodGC'))).toBe('drain/a was removed by DeletionByPodGC');
  });

  it('keeps the first sighting of a pod and adds a reason seen later', () => {
    const first = noteDeparture([], left('a', '', 1));
    expect(noteDeparture(first, left('a', '', 2))).toBe(first);
    expect(noteDeparture(first, left('a', 'EvictionByEvictionAPI', 3))).toEqual([left('a', 'EvictionByEvictionAPI', 1)]);
    const evicted = noteDeparture([], left('a', 'EvictionByEvictionAPI', 1));
    expect(noteDeparture(evicted, left('a', 'DeletionByPodGC', 2))).toBe(evicted);
    expect(noteDeparture(first, left('b', '', 4))).toHaveLength(2);
  });

  it('keeps the newest departures once the cap is reached', () => {
    let all: Departure[] = [];
    for (let i = 0; i < MAX_DEPARTURES + 5; i++) all = noteDeparture(all, left(`p${i}`, '', i));
    expect(all).toHaveLength(MAX_DEPARTURES);
    expect(all[0]!.uid).toBe('p5');
  });
});
