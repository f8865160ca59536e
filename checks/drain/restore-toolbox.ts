// Exercise: the drain removed the toolbox pod for good (no controller recreates a bare pod, which
// is what --force warns about); run it again, on a node that takes pods.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import {
  fail,
  isPodReady,
  pass,
  readObject,
  WORKLOAD_IMAGE,
  type CheckContext,
  type Exercise,
  type Observation,
} from '../../src/engine/sdk.ts';
import { restoreToolboxCommands } from './commands.ts';
import { NAMESPACE, NODE, TOOLBOX } from './constants.ts';
import { clock, recorded } from './recorded.ts';
import { restoreStart } from './stage.ts';
import { howItLeft, wasEvicted } from './watcher/departures.ts';
import type { AvailabilityRecord } from './watcher/record.ts';

/** A pod named toolbox, or the pods of a workload labelled as the toolbox was. */
const isToolbox = (p: V1Pod) => p.metadata?.name === TOOLBOX || p.metadata?.labels?.app === TOOLBOX;

/** The toolbox pods that replace the one the drain removed, or why there are none. */
async function newToolboxes(r: AvailabilityRecord, ctx: CheckContext): Promise<V1Pod[] | Observation> {
  const expected = `${TOOLBOX} evicted from ${NODE}, then running again`;
  const gone = r.departures.find((d) => d.pod === `${NAMESPACE}/${TOOLBOX}`);
  if (!gone) return fail(expected, `the original ${TOOLBOX} has not left ${NODE}: drain ${NODE} first (exercise 1)`);
  if (!wasEvicted(gone)) return fail(expected, `${howItLeft(gone)}: npx kubelab reset drain, then drain again`);
  const pods = (await ctx.core.listNamespacedPod({ namespace: NAMESPACE })).items;
  const fresh = pods.filter((p) => isToolbox(p) && p.metadata?.uid !== gone.uid && !p.metadata?.deletionTimestamp);
  if (!fresh.length)
    return fail(expected, `no ${TOOLBOX} pod since ${clock(gone.t)}: a pod that no controller owns is not recreated after an eviction`);
  const same = fresh.filter((p) => p.spec?.containers.some((c) => c.image === WORKLOAD_IMAGE));
  if (!same.length)
    return fail(
      `${TOOLBOX} running the image it ran before the drain`,
      fresh.map((p) => `${p.metadata?.name} runs ${p.spec?.containers.map((c) => c.image).join(', ')}`).join('; '),
      fresh,
    );
  return same;
}

async function checkRecreated(r: AvailabilityRecord, ctx: CheckContext): Promise<Observation> {
  const found = await newToolboxes(r, ctx);
  if (!Array.isArray(found)) return found;
  return pass(`${found.map((p) => p.metadata?.name).join(', ')} runs the toolbox image again`);
}

/** Why a toolbox pod does not serve on a node that takes pods, or undefined when it does. */
async function placementProblem(pod: V1Pod, ctx: CheckContext): Promise<string | undefined> {
  const name = pod.metadata?.name;
  const node = pod.spec?.nodeName;
  if (!node) return `${name} is Pending: kubectl describe pod ${name} -n ${NAMESPACE} says what the scheduler is waiting for`;
  if ((await readObject<V1Node>(ctx, 'v1', 'Node', node))?.spec?.unschedulable)
    return `${name} was put on ${node}, which is cordoned: a pod whose spec names its node skips the scheduler and the cordon`;
  if (!isPodReady(pod)) return `${name} is on ${node} but not Ready`;
  return undefined;
}

async function checkPlaced(r: AvailabilityRecord, ctx: CheckContext): Promise<Observation> {
  const found = await newToolboxes(r, ctx);
  if (!Array.isArray(found)) return found;
  const problems = await Promise.all(found.map((p) => placementProblem(p, ctx)));
  const good = found.find((_, i) => problems[i] === undefined);
  return good
    ? pass(`${good.metadata?.name} is Ready on ${good.spec?.nodeName}`)
    : fail(`${TOOLBOX} Ready on a node that takes pods`, problems.join('; '), found);
}

export const restoreToolbox: Exercise = {
  id: 'restore-toolbox',
  title: `Bring back the ${TOOLBOX} the drain removed`,
  task: `The drain removed pod ${TOOLBOX} for good. Run it again in namespace ${NAMESPACE}, with the image it ran before, on a node that is not under maintenance.`,
  checks: [
    {
      id: 'recreated',
      title: `A new ${TOOLBOX} pod runs the image the old one ran`,
      points: 2,
      timeoutMs: 2_000,
      hint: `kubectl get pods -n ${NAMESPACE}: after the drain there is no ${TOOLBOX}, and nothing will bring it back but you`,
      run: recorded(checkRecreated),
    },
    {
      id: 'placed',
      title: `It is Ready on a node that takes pods`,
      points: 1,
      timeoutMs: 5_000,
      hint: `kubectl get pod -n ${NAMESPACE} -o wide shows where it runs; kubectl describe pod shows why it waits`,
      run: recorded(checkPlaced),
    },
  ],
  solution: restoreToolboxCommands,
  reset: restoreStart,
};
