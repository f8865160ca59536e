// Bootstrap tokens as kubeadm stores them: Secrets of type bootstrap.kubernetes.io/token in
// kube-system, whose fields say what the token may be used for and until when.
import type { V1Secret } from '@kubernetes/client-node';
import { UserError, type CheckContext } from '../../src/engine/sdk.ts';

export const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

/** Why a bootstrap token Secret cannot be used to join, or undefined when it can. */
export function tokenProblem(secret: V1Secret): string | undefined {
  if (secret.type !== 'bootstrap.kubernetes.io/token')
    return `Secret ${secret.metadata?.name} has type ${secret.type}, not bootstrap.kubernetes.io/token`;
  if (decode(secret, 'usage-bootstrap-authentication') !== 'true') return 'the token may not be used for authentication';
  if (decode(secret, 'usage-bootstrap-signing') !== 'true') return 'the token may not sign cluster-info';
  const expiration = decode(secret, 'expiration');
  if (expiration && new Date(expiration).getTime() <= Date.now()) return `the token expired at ${expiration}`;
  return undefined;
}

export async function usableTokenSecret(ctx: CheckContext): Promise<V1Secret> {
  const secrets = await ctx.core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: 'type=bootstrap.kubernetes.io/token' });
  const usable = secrets.items.find((s) => tokenProblem(s) === undefined);
  if (!usable) throw new UserError('the cluster has no usable bootstrap token', { fix: 'kubeadm token create --kubeconfig "$KUBECONFIG"' });
  return usable;
}
