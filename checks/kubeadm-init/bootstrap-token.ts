// Exercise: a bootstrap token of one's own for kub4, short-lived and labelled, made with
// kubeadm token create or written as a Secret by hand: the checks read the Secret either way.
// Once kub4 has joined with it and it is deleted (the next exercise), there is nothing left to
// judge; the checks then accept the token kub4's certificate request names, if it was not one
// the cluster started with.
import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  fail,
  pass,
  readObject,
  tokenFacts,
  tokenSecrets,
  type CheckContext,
  type Exercise,
  type LabContext,
  type Observation,
  type TokenFacts,
} from '../../src/engine/sdk.ts';
import { baselineOrFix, readBaseline } from './baseline.ts';
import { JOIN_NODE, JOIN_TOKEN } from './constants.ts';
import { joinEvidence } from './join-evidence.ts';
import { ttlProblem, usageProblem } from './tokens.ts';

type Judged = { token: TokenFacts } | { consumed: string };

/** The newest token with the asked description, else the newest the learner made, else the one kub4 joined with. */
async function judgedToken(ctx: CheckContext): Promise<Judged | Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail('a bootstrap token you created', baseline);
  const tokens = (await tokenSecrets(ctx)).map(tokenFacts).sort((a, b) => b.created.getTime() - a.created.getTime());
  const described = tokens.find((t) => t.description.trim() === JOIN_TOKEN.description);
  const mine = described ?? tokens.find((t) => !baseline.tokens.includes(t.id));
  if (mine) return { token: mine };
  const { tokenId } = await joinEvidence(ctx);
  if (tokenId && !baseline.tokens.includes(tokenId) && !tokens.some((t) => t.id === tokenId)) return { consumed: tokenId };
  const existing = tokens.map((t) => t.id).join(', ') || 'none';
  return fail('a bootstrap token you created', `only the tokens the cluster started with (${existing})`);
}

const consumed = (id: string) => pass(`token ${id} joined ${JOIN_NODE} and has been deleted since, as the next exercise asks`);

async function checkDescription(ctx: CheckContext): Promise<Observation> {
  const judged = await judgedToken(ctx);
  if ('pass' in judged) return judged;
  if ('consumed' in judged) return consumed(judged.consumed);
  const { id, description } = judged.token;
  return description.trim() === JOIN_TOKEN.description
    ? pass(`token ${id} is described as "${description}"`)
    : fail(
        `a token described as "${JOIN_TOKEN.description}"`,
        `token ${id} has ${description ? `description "${description}"` : 'no description'}`,
      );
}

async function checkTtl(ctx: CheckContext): Promise<Observation> {
  const judged = await judgedToken(ctx);
  if ('pass' in judged) return judged;
  if ('consumed' in judged) return consumed(judged.consumed);
  const problem = ttlProblem(judged.token, JOIN_TOKEN.ttlHours);
  return problem === undefined
    ? pass(`token ${judged.token.id} expires ${JOIN_TOKEN.ttlHours} h after it was made, at ${judged.token.expires!.toISOString()}`)
    : fail(`a token that lives ${JOIN_TOKEN.ttlHours} h`, problem);
}

async function checkUsable(ctx: CheckContext): Promise<Observation> {
  const judged = await judgedToken(ctx);
  if ('pass' in judged) return judged;
  if ('consumed' in judged) return consumed(judged.consumed);
  const { id } = judged.token;
  const problem = usageProblem(judged.token);
  if (problem) return fail('a token a joining node can use', problem);
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  if (!cm?.data?.[`jws-kubeconfig-${id}`])
    return fail(`cluster-info signed for token ${id}`, `no jws-kubeconfig-${id} in kube-public/cluster-info yet`);
  return pass(`token ${id} may authenticate and sign, is in kubeadm's node group, and has signed cluster-info`);
}

/** Deletes every token the learner made, leaving those the cluster started with. */
async function resetTokens(ctx: LabContext): Promise<void> {
  const baseline = await readBaseline(ctx);
  for (const token of (await tokenSecrets(ctx)).map(tokenFacts)) {
    if (baseline?.tokens.includes(token.id)) continue;
    await ctx.kubectl(['delete', 'secret', `bootstrap-token-${token.id}`, '-n', 'kube-system', '--ignore-not-found']);
  }
}

export const bootstrapToken: Exercise = {
  id: 'bootstrap-token',
  title: `Create a short-lived bootstrap token for ${JOIN_NODE}`,
  task: `Create a bootstrap token that expires ${JOIN_TOKEN.ttlHours} hours after you make it, with the description "${JOIN_TOKEN.description}", that a node can join with.`,
  checks: [
    {
      id: 'token-description',
      title: `A token you made is described as "${JOIN_TOKEN.description}"`,
      points: 1,
      hint: 'kubeadm token create --help lists its options; kubeadm token list shows each token’s DESCRIPTION',
      run: checkDescription,
    },
    {
      id: 'token-ttl',
      title: `It expires ${JOIN_TOKEN.ttlHours} hours after it was made`,
      points: 2,
      hint: 'without an option kubeadm gives a token 24 hours; kubeadm token list shows when each one EXPIRES',
      run: checkTtl,
    },
    {
      id: 'token-usable',
      title: 'A joining node can use it: it may authenticate and sign, and it has signed cluster-info',
      points: 2,
      hint: 'kubeadm token list shows USAGES and EXTRA GROUPS; a node needs both usages, and kubeadm’s default group, which its RBAC allows to file node certificate requests',
      timeoutMs: 5_000,
      run: checkUsable,
    },
  ],
  solution: () => [
    `kubeadm token create --ttl ${JOIN_TOKEN.ttlHours}h --description "${JOIN_TOKEN.description}" --kubeconfig "$KUBECONFIG"`,
    'kubeadm token list --kubeconfig "$KUBECONFIG"',
  ],
  reset: resetTokens,
};
