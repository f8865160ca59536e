// Exercise: explain where the replicas stopped. The numbers are judged against the stall the
// lab recorded when it set the stage, the reason against the scheduler's own event.
import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  eventsWithReason,
  fail,
  pass,
  pollUntil,
  readObject,
  UserError,
  type Check,
  type CheckContext,
  type Exercise,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { CONTAINER_SCALE, mainReason, NOTES_SCALE, otherPods, sameReason } from './arithmetic.ts';
import { liveCapacity } from './cluster.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';
import { readStall, type StallRecord } from './stall.ts';

async function answer(ctx: CheckContext, key: string): Promise<string | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace);
  return cm?.data?.[key]?.trim();
}

const numberAnswer = (
  key: string,
  title: string,
  points: number,
  hint: string,
  expectedOf: (s: StallRecord) => number,
  what: string,
): Check => ({
  id: key,
  title,
  points,
  hint,
  async run(ctx) {
    const stall = await readStall(ctx);
    if (!stall) return fail('the lab’s record of the stall', 'none: run kubelab start max-pods');
    const expected = expectedOf(stall);
    const given = await answer(ctx, key);
    if (given === undefined) return fail(`${key}: ${what}`, `no key "${key}" in ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`);
    return /^\d+$/.test(given) && Number(given) === expected
      ? pass(`${key} = ${expected}, as the cluster showed when scheduling stalled`)
      : fail(`${key} = ${expected} (${what})`, `${key} = "${given}"`, [stall]);
  },
});

/** What every worker reported as allocatable pods, when they all agree. */
const commonAllocatable = (s: StallRecord) => (new Set(s.workers.map((w) => w.allocatable)).size === 1 ? s.workers[0]!.allocatable : -1);

async function latestKuardFailure(ctx: CheckContext): Promise<string | undefined> {
  const events = await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling');
  return events.find((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name?.startsWith('kuard-'))?.message;
}

const reasonCheck: Check = {
  id: 'reason',
  title: 'Why the scheduler left the rest Pending',
  points: 1,
  timeoutMs: 3_000,
  hint: `kubectl describe pod -n ${NAMESPACE} <a Pending kuard pod>: the FailedScheduling event names a reason per group of nodes; give the workers' reason`,
  async run(ctx) {
    const message = await latestKuardFailure(ctx);
    if (!message)
      return fail(
        'a FailedScheduling event for a kuard pod',
        `none in namespace ${NAMESPACE} (events expire after an hour: kubelab reset max-pods recreates the stall)`,
      );
    const reason = mainReason(message);
    if (!reason) return fail('a reason per group of nodes in the FailedScheduling message', message);
    const given = await answer(ctx, 'reason');
    if (given === undefined)
      return fail(`reason: "${reason}"`, `no key "reason" in ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`, [message]);
    return sameReason(given, reason)
      ? pass(`reason "${reason}", as the scheduler reports it`)
      : fail(`reason "${reason}" (from: ${message.split('. ')[0]})`, `reason "${given}"`, [message]);
  },
};

/** The reason the scheduler gives for the workers; its event is written a moment after the pods are marked unschedulable. */
async function schedulerReason(ctx: LabContext): Promise<string> {
  const message = await pollUntil<string>(
    async () => {
      const latest = await latestKuardFailure(ctx);
      return latest ? { value: latest } : { state: `no such event in namespace ${NAMESPACE}` };
    },
    {
      timeoutMs: 10_000,
      intervalMs: 200,
      describe: 'the scheduler’s FailedScheduling event for a Pending kuard pod',
      fix: 'kubelab reset max-pods recreates the stall',
    },
  );
  const reason = mainReason(message);
  if (!reason) throw new UserError(`the scheduler's FailedScheduling message gives no reason per group of nodes: ${message}`);
  return reason;
}

export const observeStall: Exercise = {
  id: 'observe-stall',
  title: 'Explain where the replicas stopped',
  task:
    `The ReplicaSet kuard in namespace ${NAMESPACE} asks for ${NOTES_SCALE.replicas} replicas (${CONTAINER_SCALE.replicas} on kind), and some never leave Pending. ` +
    `Record in ConfigMap ${ANSWERS.name} (namespace ${ANSWERS.namespace}): ready = how many kuard pods are Ready, ` +
    'reason = the reason the scheduler gives for the workers, max-pods = the allocatable pods of a worker, ' +
    'other-pods = how many pods that are not kuard run on the workers.',
  checks: [
    numberAnswer(
      'ready',
      'How many kuard pods became Ready',
      2,
      `kubectl get rs kuard -n ${NAMESPACE} (the READY column)`,
      (s) => s.ready,
      'kuard pods Ready when scheduling stalled',
    ),
    reasonCheck,
    numberAnswer(
      'max-pods',
      'How many pods a worker admits',
      1,
      "kubectl get node kub2 -o jsonpath='{.status.allocatable.pods}'",
      commonAllocatable,
      'allocatable pods of each worker',
    ),
    numberAnswer(
      'other-pods',
      'How many pod slots other pods take on the workers',
      1,
      `kubectl get pods -A -o wide: count the pods on kub2…kub6 outside namespace ${NAMESPACE} (DaemonSet and DNS pods)`,
      (s) => otherPods(s.workers),
      'non-kuard pods on the workers',
    ),
  ],
  async solve(ctx) {
    const c = await liveCapacity(ctx.core);
    const data = {
      ready: String(c.ready),
      reason: await schedulerReason(ctx),
      'max-pods': String(c.workers[0]?.allocatable ?? 0),
      'other-pods': String(otherPods(c.workers)),
    };
    await ctx.apply(
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ANSWERS.name, namespace: ANSWERS.namespace }, data }),
    );
  },
  async reset(ctx) {
    await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
  },
};
