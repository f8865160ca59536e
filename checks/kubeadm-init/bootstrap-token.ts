// Exercise: the bootstrap token kubeadm init made, named by its id (never its secret), with the
// groups a node that authenticates with it joins.
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { fail, pass, readObject, wordsOf, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, putAnswers, sameList } from './answers.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';
import { decode, tokenProblem, usableTokenSecret } from './tokens.ts';

async function recordedTokenSecret(ctx: CheckContext): Promise<{ secret: V1Secret; id: string } | Observation> {
  const data = await answers(ctx, ANSWERS.token);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.token}`, 'no such ConfigMap');
  const id = data['token-id']?.trim() ?? '';
  if (id.includes('.'))
    return fail(
      'only the token id (the six characters before the dot)',
      'the whole token, secret included: a token secret is a credential, keep it out of ConfigMaps',
    );
  if (!/^[a-z0-9]{6}$/.test(id)) return fail('token-id: six lower-case letters or digits', `token-id: ${id || '(missing)'}`);
  const secret = await readObject<V1Secret>(ctx, 'v1', 'Secret', `bootstrap-token-${id}`, 'kube-system');
  if (!secret) return fail(`Secret kube-system/bootstrap-token-${id}`, `no bootstrap token with id ${id}`);
  return { secret, id };
}

async function checkTokenId(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedTokenSecret(ctx);
  if ('pass' in recorded) return recorded;
  const problem = tokenProblem(recorded.secret);
  if (problem) return fail('a bootstrap token that can authenticate and sign', problem);
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', 'cluster-info', 'kube-public');
  if (!cm?.data?.[`jws-kubeconfig-${recorded.id}`])
    return fail(`cluster-info signed for token ${recorded.id}`, `no jws-kubeconfig-${recorded.id} in kube-public/cluster-info yet`);
  return pass(`token ${recorded.id} exists, can authenticate, and has signed cluster-info`);
}

async function checkTokenGroups(ctx: CheckContext): Promise<Observation> {
  const recorded = await recordedTokenSecret(ctx);
  if ('pass' in recorded) return recorded;
  const data = (await answers(ctx, ANSWERS.token)) ?? {};
  const expected = wordsOf(decode(recorded.secret, 'auth-extra-groups'));
  const answered = wordsOf(data.groups);
  return sameList(answered, expected)
    ? pass(`groups ${expected.join(' ')}`)
    : fail(`groups: ${expected.join(' ')}`, `groups: ${answered.join(' ') || '(missing)'}`);
}

export const bootstrapToken: Exercise = {
  id: 'bootstrap-token',
  title: 'List the bootstrap token',
  task: `Run kubeadm token list --kubeconfig "$KUBECONFIG". Record the token’s id (the six characters before the dot, never the secret) under "token-id" and its extra groups under "groups" in ConfigMap ${ANSWERS.token} (namespace ${NAMESPACE}).`,
  checks: [
    {
      id: 'token-id',
      title: 'token-id names a usable bootstrap token that has signed cluster-info',
      points: 2,
      hint: 'kubeadm token list --kubeconfig "$KUBECONFIG", or kubectl -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token',
      run: checkTokenId,
    },
    {
      id: 'token-groups',
      title: 'groups are the token’s extra groups',
      points: 1,
      hint: 'the EXTRA GROUPS column of kubeadm token list (auth-extra-groups in the Secret)',
      run: checkTokenGroups,
    },
  ],
  async solve(ctx) {
    const secret = await usableTokenSecret(ctx);
    await putAnswers(ctx, ANSWERS.token, { 'token-id': decode(secret, 'token-id'), groups: decode(secret, 'auth-extra-groups') });
  },
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.token),
};
