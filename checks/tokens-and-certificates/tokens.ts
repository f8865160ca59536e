// Exercise 1: tokens over time. The lab planted a token that never expires; the learner finds it
// and deletes it, and only it, then writes a token for discovery only: it signs cluster-info,
// cannot authenticate, and expires within the hour. kubeadm token create always adds its join
// group, which only an authenticating token may carry, so such a token is written as a Secret.
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
import { baselineOrFix, readBaseline, replantTokens, type Baseline } from './baseline.ts';
import { DISCOVERY } from './constants.ts';
import { discoveryProblem, foreverTokens, lostTokens } from './judge.ts';
import { onControlPlane } from './shell.ts';

async function seen(ctx: CheckContext): Promise<{ baseline: Baseline; tokens: TokenFacts[] } | Observation> {
  const baseline = await baselineOrFix(ctx);
  if (typeof baseline === 'string') return fail('the tokens the cluster had when the lab started', baseline);
  return { baseline, tokens: (await tokenSecrets(ctx)).map(tokenFacts) };
}

/** Tokens the learner made: any not there when the lab started, the planted one aside. */
const newTokens = (b: Baseline, tokens: TokenFacts[]) => tokens.filter((t) => t.id !== b.planted && !b.tokens.some((s) => s.id === t.id));

async function checkNoForever(ctx: CheckContext): Promise<Observation> {
  const s = await seen(ctx);
  if ('pass' in s) return s;
  const forever = foreverTokens(s.tokens);
  if (forever.length)
    return fail('no bootstrap token that never expires', `${forever.length} token${forever.length === 1 ? '' : 's'} with no expiry`);
  const lost = lostTokens(s.baseline.tokens, s.baseline.planted, s.tokens, new Date());
  return lost.length
    ? fail(
        'the tokens that expire left in place: new nodes may be joining with them',
        `token${lost.length === 1 ? '' : 's'} ${lost.join(', ')} deleted too`,
      )
    : pass('no token lives forever, and the others are still there');
}

async function discoveryToken(ctx: CheckContext): Promise<{ token?: TokenFacts; problems: string[] } | Observation> {
  const s = await seen(ctx);
  if ('pass' in s) return s;
  const mine = newTokens(s.baseline, s.tokens);
  const now = new Date();
  const token = mine.find((t) => discoveryProblem(t, now) === undefined);
  return { token, problems: mine.map((t) => discoveryProblem(t, now)!).filter(Boolean) };
}

async function checkDiscovery(ctx: CheckContext): Promise<Observation> {
  const d = await discoveryToken(ctx);
  if ('pass' in d) return d;
  const wanted = `a token you made that may sign but not authenticate, expires within ${DISCOVERY.maxHours} h and has a description`;
  if (d.token) return pass(`token ${d.token.id}: signing only, expires ${d.token.expires!.toISOString()}`);
  return fail(wanted, d.problems.length ? d.problems.join('; ') : 'no token made since the lab started');
}

async function checkSigned(ctx: CheckContext): Promise<Observation> {
  const d = await discoveryToken(ctx);
  if ('pass' in d) return d;
  if (!d.token) return fail('a signature of your discovery token on cluster-info', 'no discovery token yet');
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  const key = `jws-kubeconfig-${d.token.id}`;
  return cm?.data?.[key]
    ? pass(`cluster-info carries ${key}: a joining node can check what it downloads with the token`)
    : fail(`kube-public/cluster-info signed with token ${d.token.id}`, `no ${key}: the token is not in a form the signer accepts`);
}

export const tokens: Exercise = {
  id: 'tokens',
  title: 'Tokens: none forever, one for discovery',
  task: `One bootstrap token on this cluster never expires: delete that one and no other. Then make a token for discovery only: it lets a joining machine check cluster-info but cannot authenticate, expires within ${DISCOVERY.maxHours} hour, and says in its description what it is for.`,
  checks: [
    {
      id: 'no-forever',
      title: 'No token lives forever, and the others are left alone',
      points: 2,
      hint: 'kubeadm token list shows each token’s TTL; kubeadm token delete takes a token’s id',
      run: checkNoForever,
    },
    {
      id: 'discovery-token',
      title: 'A discovery-only token that expires within the hour',
      points: 2,
      hint: 'kubeadm token create refuses a signing-only token (its default group needs authentication): write the Secret yourself, type bootstrap.kubernetes.io/token, named bootstrap-token-<id>, with the fields the bootstrap token documentation lists',
      run: checkDiscovery,
    },
    {
      id: 'signed',
      title: 'cluster-info is signed with it',
      points: 1,
      hint: 'the bootstrap signer in kube-controller-manager signs cluster-info with each valid signing token: kubectl -n kube-public get configmap cluster-info -o yaml',
      timeoutMs: 10_000,
      run: checkSigned,
    },
  ],
  solution: (ctx) => {
    const expires = `$(date -u -d '+45 min' +%Y-%m-%dT%H:%M:%SZ)`;
    return [
      onControlPlane(ctx, 'kubeadm token list'),
      onControlPlane(ctx, `kubeadm token list | awk '$2 == "<forever>" {print $1}' | xargs -r kubeadm token delete`),
      [
        'ID=$(openssl rand -hex 3) && SECRET=$(openssl rand -hex 8) && kubectl -n kube-system create secret generic "bootstrap-token-$ID" --type bootstrap.kubernetes.io/token',
        '--from-literal=token-id="$ID" --from-literal=token-secret="$SECRET"',
        `--from-literal=usage-bootstrap-signing=true --from-literal=expiration="${expires}"`,
        `--from-literal=description="discovery for the machines racked today"`,
      ].join(' '),
    ];
  },
  async reset(ctx: LabContext) {
    const baseline = await readBaseline(ctx);
    if (baseline) await replantTokens(ctx, baseline);
  },
};
