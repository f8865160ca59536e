// What the lab's page and checks both quote: the policy it asks for, the token it plants and
// where it keeps its starting state. No imports, so the page's data loader stays light.

export const NAMESPACE = 'kubelab';

/** What the lab recorded when it started: tokens, served certificates, kubeadm's ClusterConfiguration. */
export const BASELINE = { name: 'tokens-and-certificates-baseline', namespace: NAMESPACE };

/** Exercise 2's rule: leaf certificates live 90 days (kubeadm's default is 365). */
export const POLICY = { days: 90, setting: 'certificateValidityPeriod', configMap: 'kubeadm-config', key: 'ClusterConfiguration' };

/** Exercise 1: a token for discovery only lives at most this long. */
export const DISCOVERY = { maxHours: 1 };

/** The token the lab plants: made for some old automation, it never expires. */
export const FOREVER = { description: 'ci-runner join token, do not delete' };

/** kubeadm backdates what it issues by five minutes, so a clock a little behind still accepts it. */
export const BACKDATE_MS = 5 * 60_000;
