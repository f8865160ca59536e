// Exercise: drain the node under a budget that allows no eviction yet. Judged on the watcher's
// record: the node was cordoned, then emptied of all but DaemonSet pods, every pod that left went
// through the Eviction API, and kuard never fell below its budget on the way.
import { fail, isDaemonSetPod, pass, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { drainCommands } from './commands.ts';
import { DEPLOYMENT, MIN_AVAILABLE, NAMESPACE, NODE } from './constants.ts';
import { clock, recorded } from './recorded.ts';
import { restoreStart } from './stage.ts';
import { howItLeft, wasEvicted } from './watcher/departures.ts';
import type { AvailabilityRecord } from './watcher/record.ts';
import { cordonedAt, dips, drainedAt } from './watcher/timeline.ts';

function checkCordoned(r: AvailabilityRecord): Observation {
  const c = cordonedAt(r.timeline);
  return c
    ? pass(`${NODE} cordoned at ${clock(c.t)}`)
    : fail(`${NODE} marked unschedulable`, `${NODE} has been schedulable since ${clock(r.startedAt)}`);
}

async function checkDrained(r: AvailabilityRecord, ctx: CheckContext): Promise<Observation> {
  const d = drainedAt(r.timeline);
  if (d) return pass(`${NODE} cordoned and empty of other pods at ${clock(d.t)}`);
  const cordoned = r.timeline.filter((s) => s.node === 'cordoned');
  if (!cordoned.length) return fail(`${NODE} cordoned, then emptied`, `${NODE} was never cordoned`);
  const now = (await ctx.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items.filter((p) => !isDaemonSetPod(p));
  const fewest = Math.min(...cordoned.map((s) => s.nodePods));
  return fail(
    `no pods outside DaemonSets on cordoned ${NODE}`,
    `at least ${fewest} stayed (now: ${now.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ') || 'none'})`,
    now,
  );
}

function checkEvicted(r: AvailabilityRecord): Observation {
  const d = drainedAt(r.timeline);
  const left = r.departures.filter((x) => !d || x.t <= d.t);
  const deleted = left.filter((x) => !wasEvicted(x));
  if (deleted.length) return fail(`every pod to leave ${NODE} through the Eviction API`, deleted.map(howItLeft).join('; '), deleted);
  if (!d) return fail(`${NODE} drained through the Eviction API`, `${NODE} is not drained yet (${left.length} pod(s) evicted so far)`);
  if (!left.length) return fail(`the pods on ${NODE} evicted`, `no pod was seen leaving ${NODE}`);
  return pass(`all ${left.length} pods that left ${NODE} were evicted (DisruptionTarget: EvictionByEvictionAPI)`, left);
}

function checkKeptServing(r: AvailabilityRecord): Observation {
  const d = drainedAt(r.timeline);
  if (!d) return fail(`a drain of ${NODE} with ${DEPLOYMENT} at ≥ ${r.budget} available`, `${NODE} has not been drained yet`);
  const before = dips(
    r.timeline.filter((s) => s.t <= d.t),
    r.budget,
  );
  return before.length === 0
    ? pass(`≥ ${r.budget} replicas available from ${clock(r.startedAt)} to the end of the drain at ${clock(d.t)}`)
    : fail(`≥ ${r.budget} replicas available`, `${before[0]!.available} available at ${clock(before[0]!.from)}`, before);
}

export const drainNode: Exercise = {
  id: 'drain-node',
  title: `Drain ${NODE} without breaking kuard’s budget`,
  task: `Empty ${NODE} for maintenance with kubectl drain: every pod except DaemonSet pods must leave it through the Eviction API, and Deployment ${DEPLOYMENT} in namespace ${NAMESPACE} must keep at least ${MIN_AVAILABLE} replicas available all along. Leave its PodDisruptionBudget as it is.`,
  checks: [
    {
      id: 'cordoned',
      title: `${NODE} was cordoned (SchedulingDisabled)`,
      points: 1,
      timeoutMs: 2_000,
      hint: `kubectl get nodes: a node under maintenance shows SchedulingDisabled, so that nothing new lands on it`,
      run: recorded(checkCordoned),
    },
    {
      id: 'drained',
      title: `While cordoned, ${NODE} held no pods but DaemonSet pods`,
      points: 2,
      timeoutMs: 2_000,
      hint: `read the end of kubectl drain’s output: it lists each pod it refused to touch and the flag that would allow it; weigh what each flag costs first`,
      run: recorded(checkDrained),
    },
    {
      id: 'evicted',
      title: `Every pod left ${NODE} through the Eviction API`,
      points: 2,
      timeoutMs: 2_000,
      hint: 'a deleted pod never asks its PodDisruptionBudget; an evicted one does, and carries a DisruptionTarget condition until it is gone. npx kubelab reset drain, then drain without deleting pods yourself',
      run: recorded(checkEvicted),
    },
    {
      id: 'kept-serving',
      title: `Up to the end of the drain, ${DEPLOYMENT} kept at least ${MIN_AVAILABLE} replicas available`,
      points: 2,
      timeoutMs: 2_000,
      hint: `kubectl get pdb -n ${NAMESPACE}: ALLOWED DISRUPTIONS is how many kuard pods may go right now; the budget stays, so what else could raise it?`,
      run: recorded(checkKeptServing),
    },
  ],
  solution: drainCommands,
  reset: restoreStart,
};
