// Bootstrap tokens as kubeadm stores them: Secrets of type bootstrap.kubernetes.io/token in
// kube-system, whose fields say what the token may be used for and until when. Everything but
// tokenSecrets is a pure function of a Secret, unit-tested without a cluster.
import type { V1Secret } from '@kubernetes/client-node';
import type { CheckContext } from './model.ts';

export const TOKEN_TYPE = 'bootstrap.kubernetes.io/token';

const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

export interface TokenFacts {
  id: string;
  description: string;
  created: Date;
  /** Undefined for a token that never expires (--ttl 0). */
  expires?: Date;
  authentication: boolean;
  signing: boolean;
  groups: string[];
}

export function tokenFacts(secret: V1Secret): TokenFacts {
  const expiration = decode(secret, 'expiration');
  return {
    id: decode(secret, 'token-id') || (secret.metadata?.name ?? '').replace(/^bootstrap-token-/, ''),
    description: decode(secret, 'description'),
    created: new Date(secret.metadata?.creationTimestamp ?? 0),
    expires: expiration ? new Date(expiration) : undefined,
    authentication: decode(secret, 'usage-bootstrap-authentication') === 'true',
    signing: decode(secret, 'usage-bootstrap-signing') === 'true',
    groups: decode(secret, 'auth-extra-groups')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
  };
}

export async function tokenSecrets(ctx: CheckContext): Promise<V1Secret[]> {
  return (await ctx.core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: `type=${TOKEN_TYPE}` })).items;
}
