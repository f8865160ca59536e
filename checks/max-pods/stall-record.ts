// What the cluster looked like when scheduling stalled, as the first exercise's checks compare
// answers with it. The record sits in a ConfigMap any admin can read, so it keeps salted digests
// of the numbers rather than the numbers: listing the namespace must not show the answers. (A
// learner set on guessing small numbers against the digests learns them faster with kubectl.)
import { createHash, randomBytes } from 'node:crypto';
import { type Capacity, commonAllocatable, otherPods, smallestMaxPods } from './arithmetic.ts';

/** The numbers answers are compared with: the answers themselves, and the slips a learner is likely to make. */
export type Fact = 'ready' | 'max-pods' | 'other-pods' | 'min-max-pods' | 'other-pods-all-nodes' | 'all-slots';

export interface StallRecord {
  at: string;
  /** Replicas and workers are no secret: the ReplicaSet and the node list show them. */
  replicas: number;
  workers: number;
  salt: string;
  digests: Partial<Record<Fact, string>>;
}

/** The facts of a stalled cluster; max pods and its products only when every worker has the same limit. */
export function stallFacts(c: Capacity, replicas: number): Partial<Record<Fact, number>> {
  const limit = commonAllocatable(c.workers);
  const others = otherPods(c.workers);
  return {
    ready: c.ready,
    'other-pods': others,
    'other-pods-all-nodes': others + c.othersOnControlPlane,
    'min-max-pods': smallestMaxPods(c.workers, replicas),
    ...(limit === undefined ? {} : { 'max-pods': limit, 'all-slots': limit * c.workers.length }),
  };
}

const digest = (salt: string, fact: Fact, value: number) => createHash('sha256').update(`${salt}:${fact}:${value}`).digest('hex');

export function sealStall(c: Capacity, replicas: number, at: string, salt = randomBytes(8).toString('hex')): StallRecord {
  const digests: Partial<Record<Fact, string>> = {};
  for (const [fact, value] of Object.entries(stallFacts(c, replicas)) as [Fact, number][]) digests[fact] = digest(salt, fact, value);
  return { at, replicas, workers: c.workers.length, salt, digests };
}

/** Whether the stalled cluster's fact had this value. */
export function holds(record: StallRecord, fact: Fact, value: number): boolean {
  const sealed = record.digests[fact];
  return sealed !== undefined && sealed === digest(record.salt, fact, value);
}
