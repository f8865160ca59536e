// What a node's join needs of a bootstrap token (the SDK reads the token's fields): pure
// functions, unit-tested without a cluster.
import type { TokenFacts } from '../../src/engine/sdk.ts';
import { NODE_TOKEN_GROUP } from './constants.ts';

/** How far a token's lifetime may be from the one asked for: a Secret written by hand takes a while to type. */
export const TTL_TOLERANCE_MS = 5 * 60_000;

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
