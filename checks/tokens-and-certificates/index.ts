// Lab: tokens and certificates over time. Bootstrap tokens that expire (and one that never does),
// a lifetime policy for kubeadm's certificates, and a renewal the control plane actually runs
// with. Needs real static pods: on kind the control plane is kubeadm's, restarted by its kubelet.
import { defineLab, namespaceManifests } from '../../src/engine/sdk.ts';
import { recordBaseline } from './baseline.ts';
import { NAMESPACE } from './constants.ts';
import { policy } from './policy.ts';
import { renew } from './renew.ts';
import { tokens } from './tokens.ts';

export default defineLab({
  id: 'tokens-and-certificates',
  title: 'Tokens and certificates over time',
  summary:
    'Find and retire a token that never expires, write a discovery-only token, set a 90-day certificate policy, then renew everything and restart the control plane onto it.',
  order: 60,
  needs: ['static-pods'],
  shape: {},
  async setup(ctx) {
    await ctx.apply(namespaceManifests(NAMESPACE));
    await recordBaseline(ctx);
  },
  exercises: [tokens, policy, renew],
});
