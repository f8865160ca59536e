// Exercise: find where the replicas stopped and why, with kubectl, and run the arithmetic
// backwards. The numbers are judged against the stall the lab recorded when it set the stage,
// the reason against the scheduler's own event; a wrong answer gets a pointer, not the answer.
import {
  type Check,
  type CheckContext,
  eventsWithReason,
  type Exercise,
  fail,
  pass,
  pollUntil,
  type SolutionContext,
  UserError,
} from '../../src/engine/sdk.ts';
import { commonAllocatable, isWorker, mainReason, otherPods, sameReason, scaleFor, smallestMaxPods } from './arithmetic.ts';
import { answer, wholeNumber } from './answers.ts';
import { liveCapacity, scaleOf } from './cluster.ts';
import { shellWord } from './commands.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';
import { type NumberKey, pointer, reasonPointer } from './slips.ts';
import { holds } from './stall-record.ts';
import { readStall } from './stall.ts';

const numberCheck = (key: NumberKey, title: string, points: number, hint: string, what: string): Check => ({
  id: key,
  title,
  points,
  hint,
  async run(ctx) {
    const record = await readStall(ctx);
    if (!record) return fail('the lab’s record of the stall', 'none: kubelab reset max-pods records it again');
    const found = await answer(ctx, key);
    if ('missing' in found) return fail(`${key}: ${what}`, found.missing);
    const n = wholeNumber(found.given);
    if (n === undefined) return fail(`${key}: a whole number, ${what}`, `${key} = "${found.given}"`);
    if (holds(record, key, n)) return pass(`${key} = ${n}: ${what}, as when scheduling stalled`);
    return fail(`${key}: ${what}`, `${key} = ${n}: ${pointer(key, n, record, await scaleOf(ctx))}`);
  },
});

async function latestKuardFailure(ctx: CheckContext): Promise<string | undefined> {
  const events = await eventsWithReason(ctx, NAMESPACE, 'FailedScheduling');
  return events.find((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name?.startsWith('kuard-'))?.message;
}

const reasonCheck: Check = {
  id: 'reason',
  title: 'Why the scheduler left the rest Pending',
  points: 1,
  timeoutMs: 3_000,
  hint: `kubectl describe pod -n ${NAMESPACE} <a Pending kuard pod>: its FailedScheduling event gives a reason per group of nodes`,
  async run(ctx) {
    const message = await latestKuardFailure(ctx);
    if (!message)
      return fail(
        'a FailedScheduling event for a kuard pod',
        `none in namespace ${NAMESPACE} (events expire after an hour: kubelab reset max-pods recreates the stall)`,
      );
    const reason = mainReason(message);
    if (!reason) return fail('a reason per group of nodes in the FailedScheduling message', message);
    const found = await answer(ctx, 'reason');
    const what = 'the reason the scheduler gives for the workers';
    if ('missing' in found) return fail(`reason: ${what}`, found.missing);
    return sameReason(found.given, reason)
      ? pass(`reason "${reason}", as the scheduler reports it for the workers`)
      : fail(`reason: ${what}`, `reason "${found.given}": ${reasonPointer(found.given, message)}`);
  },
};

/** The reason the scheduler gives for the workers; its event is written a moment after the pods are marked unschedulable. */
async function schedulerReason(ctx: CheckContext): Promise<string> {
  const message = await pollUntil<string>(
    async () => {
      const latest = await latestKuardFailure(ctx);
      return latest ? { value: latest } : { state: `no such event in namespace ${NAMESPACE}` };
    },
    {
      timeoutMs: 30_000,
      intervalMs: 250,
      describe: 'the scheduler’s FailedScheduling event for a Pending kuard pod',
      fix: 'kubelab reset max-pods recreates the stall',
    },
  );
  const reason = mainReason(message);
  if (!reason) throw new UserError(`the scheduler's FailedScheduling message gives no reason per group of nodes: ${message}`);
  return reason;
}

/** What a learner types: look with kubectl, do the sums, record the answers (apply, so a second run overwrites the first). */
async function solution(ctx: SolutionContext): Promise<string[]> {
  const nodes = (await ctx.core.listNode()).items;
  const c = await liveCapacity(ctx.core);
  const { replicas } = scaleFor(nodes);
  const limit = commonAllocatable(c.workers);
  if (limit === undefined || c.workers.length === 0)
    throw new UserError('the workers do not all report the same max pods, so the lab is not at its start', {
      fix: 'kubelab reset max-pods',
    });
  const others = otherPods(c.workers);
  const workers = c.workers.length;
  const notOnControlPlane = nodes.filter((n) => !isWorker(n)).map((n) => `spec.nodeName!=${n.metadata?.name}`);
  const answers = {
    ready: String(c.ready),
    reason: await schedulerReason(ctx),
    'max-pods': String(limit),
    'other-pods': String(others),
    'min-max-pods': String(smallestMaxPods(c.workers, replicas)),
  };
  const literals = Object.entries(answers).map(([key, value]) => `--from-literal=${key}=${shellWord(value)}`);
  return [
    `kubectl get rs kuard -n ${NAMESPACE}`,
    `kubectl describe -n ${NAMESPACE} "$(kubectl get pods -n ${NAMESPACE} --field-selector=status.phase=Pending -o name | head -n 1)" | sed -n '/^Events:/,$p'`,
    `kubectl describe node ${c.workers[0]!.name} | sed -n '/^Allocatable:/,/^System Info:/p'`,
    `kubectl get pods -A -o wide --field-selector=${['metadata.namespace!=kuard', 'spec.nodeName!=', ...notOnControlPlane, 'status.phase!=Succeeded', 'status.phase!=Failed'].join(',')}`,
    `echo "ready = ${limit} x ${workers} workers - ${others} other pods = $(( ${limit} * ${workers} - ${others} ))"`,
    `echo "min-max-pods = (${replicas} replicas + ${others} other pods) / ${workers} workers, rounded up = $(( (${replicas} + ${others} + ${workers} - 1) / ${workers} ))"`,
    `kubectl create configmap ${ANSWERS.name} -n ${ANSWERS.namespace} ${literals.join(' ')} --dry-run=client -o yaml | kubectl apply -f -`,
  ];
}

export const observeStall: Exercise = {
  id: 'observe-stall',
  title: 'Find where the replicas stopped, and why',
  task:
    `The ReplicaSet kuard in namespace ${NAMESPACE} never gets all its replicas Ready. With kubectl, find out why, and record in ConfigMap ` +
    `${ANSWERS.name} (namespace ${ANSWERS.namespace}): ready = how many kuard pods are Ready, reason = the reason the scheduler gives ` +
    'for the workers, max-pods = how many pods one worker admits, other-pods = how many pods that are not kuard are bound to the workers, ' +
    'min-max-pods = the smallest max pods, the same on every worker, that would let every replica run.',
  checks: [
    numberCheck(
      'ready',
      'How many kuard pods became Ready',
      2,
      `kubectl get rs kuard -n ${NAMESPACE}: the READY column`,
      'kuard pods Ready',
    ),
    reasonCheck,
    numberCheck('max-pods', 'How many pods a worker admits', 1, 'kubectl describe node kub2: Allocatable', 'pods one worker admits'),
    numberCheck(
      'other-pods',
      'How many pod slots other pods take on the workers',
      1,
      `kubectl get pods -A -o wide: the pods bound to the workers, outside namespace ${NAMESPACE}`,
      'pods other than kuard bound to the workers',
    ),
    numberCheck(
      'min-max-pods',
      'The smallest max pods that fits every replica',
      2,
      'relate ready, max-pods, other-pods and the number of workers, then ask which limit leaves a slot for every replica',
      'the smallest max pods, the same on every worker, that fits every replica',
    ),
  ],
  solution,
  async reset(ctx) {
    await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
  },
};
