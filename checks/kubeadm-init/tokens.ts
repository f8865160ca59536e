// Bootstrap tokens as kubeadm stores them: Secrets of type bootstrap.kubernetes.io/token in
// kube-system, whose fields say what the token may be used for and until when. Everything but
// tokenSecrets is a pure function of a Secret, unit-tested without a cluster.
import type { V1Secret } from '@kubernetes/client-node';
import type { CheckContext } from '../../src/engine/sdk.ts';
import { NODE_TOKEN_GROUP } from './constants.ts';

export const TOKEN_TYPE = 'bootstrap.kubernetes.io/token';

/** How far a token's lifetime may be from the one asked for: a Secret written by hand takes a while to type. */
export const TTL_TOLERANCE_MS = 5 * 60_000;

export const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

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

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(2).replace(/\.?0+$/, '')} h`;

/** Why the token does not live about `ttlHours` from its creation, or undefined when it does. */
export function ttlProblem(token: TokenFacts, ttlHours: number): string | undefined {
  if (!token.expires) return `token ${token.id} never expires`;
  const lifetime = token.expires.getTime() - token.created.getTime();
  if (Math.abs(lifetime - ttlHours * 3_600_000) <= TTL_TOLERANCE_MS) return undefined;
  return `token ${token.id} was made to live ${hours(lifetime)}`;
}

/** Why a joining node could not use the token, or undefined when it can. */
export function usageProblem(token: TokenFacts): string | undefined {
  if (!token.authentication) return `token ${token.id} may not authenticate, so a node cannot file its certificate request with it`;
  if (!token.signing) return `token ${token.id} may not sign, so cluster-info carries no signature a node could verify`;
  if (!token.groups.includes(NODE_TOKEN_GROUP))
    return `token ${token.id} is in groups ${token.groups.join(', ') || '(none)'}, which kubeadm's RBAC does not let file node certificate requests`;
  if (token.expires && token.expires.getTime() <= Date.now()) return `token ${token.id} expired at ${token.expires.toISOString()}`;
  return undefined;
}

export async function tokenSecrets(ctx: CheckContext): Promise<V1Secret[]> {
  return (await ctx.core.listNamespacedSecret({ namespace: 'kube-system', fieldSelector: `type=${TOKEN_TYPE}` })).items;
}
