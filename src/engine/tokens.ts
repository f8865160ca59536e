// Bootstrap tokens as kubeadm stores them: Secrets of type bootstrap.kubernetes.io/token in
// kube-system, whose fields say what the token may be used for and until when. Everything but
// tokenSecrets is a pure function of a Secret, unit-tested without a cluster.
import type { V1Secret } from '@kubernetes/client-node';
import type { CheckContext } from './model.ts';

export const TOKEN_TYPE = 'bootstrap.kubernetes.io/token';

const decode = (secret: V1Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

/** The form kubeadm join accepts: six and sixteen lower-case letters or digits. */
const ID = /^[a-z0-9]{6}$/;
const SECRET = /^[a-z0-9]{16}$/;
/** RFC 3339, the only form the API server reads; it takes a token with any other as expired. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export interface TokenFacts {
  id: string;
  description: string;
  created: Date;
  /** Undefined for a token that never expires (--ttl 0), or whose expiration does not parse. */
  expires?: Date;
  /** An expiration that is not RFC 3339, as written; the cluster treats the token as expired. */
  badExpiration?: string;
  /** Whether id and secret have the form kubeadm join accepts. */
  wellFormed: boolean;
  authentication: boolean;
  signing: boolean;
  groups: string[];
}

export function tokenFacts(secret: V1Secret): TokenFacts {
  const expiration = decode(secret, 'expiration');
  const valid = RFC3339.test(expiration) && !Number.isNaN(Date.parse(expiration));
  const id = decode(secret, 'token-id') || (secret.metadata?.name ?? '').replace(/^bootstrap-token-/, '');
  return {
    id,
    description: decode(secret, 'description'),
    created: new Date(secret.metadata?.creationTimestamp ?? 0),
    expires: valid ? new Date(expiration) : undefined,
    badExpiration: expiration && !valid ? expiration : undefined,
    wellFormed: ID.test(id) && SECRET.test(decode(secret, 'token-secret')),
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
