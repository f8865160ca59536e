// The token the lab plants for Exercise 1: made for some old job and forgotten, it never
// expires and may join nodes.
import { randomBytes } from 'node:crypto';
import { TOKEN_TYPE, type LabContext } from '../../src/engine/sdk.ts';
import { FOREVER } from './constants.ts';

/** A token made for an old job and forgotten: no expiry, full join rights. */
export async function plantForever(ctx: LabContext): Promise<string> {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
  const id = pick(6);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TOKEN_TYPE,
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    stringData: {
      'token-id': id,
      'token-secret': pick(16),
      description: FOREVER.description,
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    },
  };
  await ctx.kubectl(['create', '-f', '-'], JSON.stringify(secret));
  return id;
}
