// What to tell a learner whose number is wrong: the likely slip behind it when we recognise
// one, else where to look next. Never the right number.
import { mainReason, sameReason, schedulingReasons } from './arithmetic.ts';
import type { Scale } from './constants.ts';
import { holds, type StallRecord } from './stall-record.ts';

export type NumberKey = 'ready' | 'max-pods' | 'other-pods' | 'min-max-pods';

interface Slip {
  when(given: number, record: StallRecord, scale: Scale): boolean;
  say: string;
}

const SLIPS: Record<NumberKey, Slip[]> = {
  ready: [
    {
      when: (g, r) => g === r.replicas,
      say: 'that is how many replicas the ReplicaSet asks for (DESIRED); READY counts only those that run',
    },
    {
      when: (g, r) => holds(r, 'all-slots', g),
      say: 'that is every pod slot of the workers together, but pods other than kuard hold some of them',
    },
  ],
  'max-pods': [
    { when: (g, _r, s) => g === s.raisedMaxPods, say: 'that is what Exercise 2 raises it to; what does a worker admit now?' },
    { when: (g, r) => holds(r, 'ready', g), say: 'that is how many kuard pods are Ready, not how many pods one worker admits' },
  ],
  'other-pods': [
    {
      when: (g, r) => holds(r, 'other-pods-all-nodes', g),
      say: 'that counts the control plane’s pods too; only the pods bound to the workers take their slots',
    },
    { when: (g, r) => g === r.workers, say: 'one pod per worker is not all of them: look in every namespace, not only at the DaemonSets' },
  ],
  'min-max-pods': [
    { when: (g, _r, s) => g === s.raisedMaxPods, say: 'that is enough for every replica, but not the smallest limit that is' },
    { when: (g, r) => holds(r, 'max-pods', g), say: 'that is the limit at which the replicas stalled' },
    {
      when: (g, r) => g === Math.ceil(r.replicas / r.workers),
      say: 'that shares the slots among the kuard replicas alone; the other pods on the workers keep theirs',
    },
  ],
};

const NEXT: Record<NumberKey, string> = {
  ready: 'compare it with the READY column of kubectl get rs kuard -n kuard',
  'max-pods': 'look for pods under Allocatable in kubectl describe node kub2',
  'other-pods': 'list the pods bound to each worker (kubectl get pods -A -o wide) and leave out namespace kuard',
  'min-max-pods': 'check it against your other answers: with that limit, would every replica fit, and would one less not do?',
};

/** A pointer for a wrong number: the recognised slip, or where to look next. */
export function pointer(key: NumberKey, given: number, record: StallRecord, scale: Scale): string {
  return SLIPS[key].find((slip) => slip.when(given, record, scale))?.say ?? NEXT[key];
}

/** A pointer for a wrong reason: the notes' older wording, the control plane's reason, or where to look. */
export function reasonPointer(given: string, message: string): string {
  const main = mainReason(message);
  if (sameReason(given, 'Insufficient pods'))
    return 'that is how the scheduler of the notes’ day put it; copy the words your cluster’s scheduler uses';
  if (schedulingReasons(message).some((r) => r.reason !== main && sameReason(given, r.reason)))
    return 'that is why the control plane is ruled out; give the reason counted for the workers';
  return 'that is not what the scheduler wrote: read the Events at the bottom of kubectl describe pod for a Pending kuard pod';
}
