// Exercise: delete the drained node and let its rebuilt machine join again the way kubeadm join
// does, then put it back in service. Judged on the watcher's record (deleted only once drained,
// the budget held throughout), on how the node got its credentials, and on the node as it is now.
import { CertificatesV1Api, type V1Node, type V1Secret } from '@kubernetes/client-node';
import {
  fail,
  isReady,
  pass,
  readObject,
  SHORTCUT_ANNOTATION,
  type CheckContext,
  type Exercise,
  type Observation,
} from '../../src/engine/sdk.ts';
import { rebuildCommands } from './commands.ts';
import { DEPLOYMENT, MIN_AVAILABLE, NODE, REPLICAS } from './constants.ts';
import { bootstrapProblem, bootstrapTokenId, madeByKubelab, requestsForJoin } from './joined.ts';
import { readNode } from './nodes.ts';
import { clock, recorded } from './recorded.ts';
import { restoreStart } from './stage.ts';
import { watcherAlive, type AvailabilityRecord } from './watcher/record.ts';
import { deletions, dips, unsafeDeletions } from './watcher/timeline.ts';

/** Why the node is not the one that joined again (registered since it was deleted), or undefined when it is. */
function rejoinedState(node: V1Node | undefined, r: AvailabilityRecord): string | undefined {
  if (!node) return `${NODE} is not registered: its machine has not joined again`;
  if (node.metadata?.uid === r.nodeUid)
    return `the same ${NODE} as when the lab started (uid ${r.nodeUid.slice(0, 8)}…): it was not deleted and joined again`;
  return undefined;
}

function checkDeletedWhenEmpty(r: AvailabilityRecord): Observation {
  const all = deletions(r.timeline);
  if (!all.length) return fail(`${NODE}’s Node deleted after a drain`, `${NODE} has not been deleted since ${clock(r.startedAt)}`);
  const bad = unsafeDeletions(r.timeline)[0];
  if (bad) {
    const state = bad.before.node === 'cordoned' ? 'cordoned' : 'still schedulable';
    const found = bad.before.nodePods
      ? `deleted at ${clock(bad.t)} while ${state}, holding ${bad.before.nodePods} pods outside DaemonSets`
      : `deleted at ${clock(bad.t)} before any drain had emptied it`;
    return fail(`${NODE} drained when deleted`, found, [bad]);
  }
  return pass(`${NODE} deleted at ${clock(all[0]!.t)}, once drained`);
}

async function tokenDescription(ctx: CheckContext, id: string): Promise<string | undefined> {
  const secret = await readObject<V1Secret>(ctx, 'v1', 'Secret', `bootstrap-token-${id}`, 'kube-system');
  const value = secret?.data?.description;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

async function checkRejoined(r: AvailabilityRecord, ctx: CheckContext): Promise<Observation> {
  const node = await readNode(ctx);
  const expected = `${NODE} joined again with a bootstrap token (a CSR as system:bootstrap:<token id>, approved and issued)`;
  const problem = rejoinedState(node, r);
  if (problem) return fail(expected, problem);
  if (node!.metadata?.annotations?.[SHORTCUT_ANNOTATION])
    return fail(expected, `kubelab brought ${NODE} back (kubelab node rebuild), not a join of yours`);
  const registeredAt = new Date(node!.metadata?.creationTimestamp ?? 0).getTime();
  const deletedAt = deletions(r.timeline).at(-1)?.t;
  const csrs = (await ctx.kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
  const mine = requestsForJoin(csrs, NODE, { deletedAt, registeredAt });
  if (!mine.length)
    return fail(
      expected,
      `${NODE} registered at ${clock(registeredAt)} without a certificate request for system:node:${NODE}: it did not join through TLS bootstrap`,
    );
  const problems = mine.map(bootstrapProblem);
  const good = mine.find((_, i) => problems[i] === undefined);
  if (!good) return fail(expected, problems.join('; '), mine);
  const id = bootstrapTokenId(good)!;
  const description = await tokenDescription(ctx, id);
  if (madeByKubelab(description))
    return fail(expected, `it joined with token ${id}, which kubelab made for itself (“${description}”): create your own token`, [good]);
  return pass(`${NODE} joined with token ${id}: ${good.metadata?.name} approved and issued`, [good]);
}

async function checkBackInService(r: AvailabilityRecord, ctx: CheckContext): Promise<Observation> {
  const node = await readNode(ctx);
  const problem = rejoinedState(node, r);
  if (problem) return fail(`a rebuilt ${NODE}, Ready and schedulable`, problem);
  const state = [isReady(node!) ? 'Ready' : 'NotReady', ...(node!.spec?.unschedulable ? ['SchedulingDisabled'] : [])].join(',');
  return state === 'Ready' ? pass(`${NODE} is Ready and schedulable`) : fail(`${NODE} Ready`, `${NODE} ${state}`, [node]);
}

function checkBudgetHeld(r: AvailabilityRecord): Observation {
  if (!watcherAlive(r)) {
    return fail(
      'the availability watcher running',
      `its last heartbeat was at ${clock(r.heartbeat)}: it stopped (was the cluster down?), so the record may have a gap — kubelab reset drain starts it again`,
    );
  }
  const dropped = dips(r.timeline, r.budget);
  if (dropped.length) {
    const worst = Math.min(...dropped.map((d) => d.available));
    const first = dropped[0]!;
    return fail(
      `≥ ${r.budget} of ${REPLICAS} replicas available throughout`,
      `${dropped.length} drop(s), down to ${worst} available (first at ${clock(first.from)}${first.to ? ` for ${((first.to - first.from) / 1000).toFixed(1)} s` : ', still'})`,
      dropped,
    );
  }
  return pass(`never fewer than ${r.budget} available since ${clock(r.startedAt)} (lowest: ${r.lowest?.available ?? REPLICAS})`);
}

export const rebuildNode: Exercise = {
  id: 'rebuild-node',
  title: `Delete ${NODE}, join it again with kubeadm’s token, put it back in service`,
  task: `With ${NODE} drained, delete its Node object. Then let the rebuilt machine join as kubeadm join does, with a bootstrap token you create and the cluster CA’s hash (npx kubelab node join … --node-name ${NODE} plays the new machine), and make sure ${NODE} is Ready and schedulable, all without ${DEPLOYMENT} dropping below ${MIN_AVAILABLE} available replicas.`,
  checks: [
    {
      id: 'deleted-when-empty',
      title: `${NODE} was deleted only once it was cordoned and drained`,
      points: 2,
      timeoutMs: 2_000,
      hint: `a Node deleted with pods on it takes them down with it; the record shows what ${NODE} held when it went (npx kubelab reset drain to try again)`,
      run: recorded(checkDeletedWhenEmpty),
    },
    {
      id: 'rejoined',
      title: `${NODE} joined again with a bootstrap token (TLS bootstrap)`,
      points: 3,
      timeoutMs: 5_000,
      hint: `kubectl get csr shows who asked for ${NODE}’s certificate: a joining node asks as system:bootstrap:<token id>. kubeadm token create prints a join command; kubelab node join takes its flags (issued CSRs are cleaned up after an hour: if yours is gone, delete ${NODE} and join again)`,
      run: recorded(checkRejoined),
    },
    {
      id: 'back-in-service',
      title: `The rebuilt ${NODE} is Ready and schedulable`,
      points: 2,
      timeoutMs: 5_000,
      hint: `kubectl get nodes: ${NODE} must be Ready without SchedulingDisabled`,
      run: recorded(checkBackInService),
    },
    {
      id: 'budget-held',
      title: `${DEPLOYMENT} never had fewer than ${MIN_AVAILABLE} replicas available`,
      points: 3,
      hint: 'the chart on the lab page shows when availability fell and what the node was doing then',
      run: recorded(checkBudgetHeld),
    },
  ],
  solution: rebuildCommands,
  reset: restoreStart,
};
