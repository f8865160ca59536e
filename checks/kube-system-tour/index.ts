// Lab: a tour of kube-system. What kubeadm put there and how each piece runs, a node agent run the
// way kube-proxy is, cluster DNS brought back after an outage, and kube-proxy restored with kubeadm.
import type { V1Deployment } from '@kubernetes/client-node';
import { defineLab, namespaceManifests, readObject, UserError } from '../../src/engine/sdk.ts';
import { AGENT, DNS, NAMESPACE } from './constants.ts';
import { dnsOutage, stopDns } from './dns.ts';
import { inventory } from './inventory.ts';
import { putBackProxy, recordProxy, restoreProxy } from './kube-proxy.ts';
import { nodeAgent } from './node-agent.ts';

export default defineLab({
  id: 'kube-system-tour',
  title: 'What runs in kube-system',
  summary: 'How kubeadm’s control plane and addons run, a node agent of your own, a DNS outage, and kube-proxy put back with kubeadm.',
  order: 50,
  shape: {},
  async setup(ctx) {
    // The lab stops cluster DNS and has kube-proxy deleted: never on a cluster someone depends on.
    if (!ctx.nodes)
      throw new UserError('this lab stops cluster DNS and deletes kube-proxy, so it runs only on a cluster kubelab made', {
        fix: 'kubelab start kube-system-tour (without --context)',
      });
    await ctx.apply(namespaceManifests(NAMESPACE));
    await recordProxy(ctx);
    await stopDns(ctx);
  },
  // Other labs expect DNS, kube-proxy and the nodes' pod room as kubeadm left them. Runs whether
  // or not this lab ever started, so it only puts back what is missing and writes no record.
  async teardown(ctx) {
    await ctx.kubectl(['delete', 'daemonset', AGENT.name, '-n', AGENT.namespace, '--ignore-not-found']);
    const coredns = await readObject<V1Deployment>(ctx, 'apps/v1', 'Deployment', DNS.deployment, DNS.namespace);
    if (coredns && (coredns.spec?.replicas ?? 0) < DNS.replicas)
      await ctx.kubectl(['scale', 'deployment', DNS.deployment, '-n', DNS.namespace, `--replicas=${DNS.replicas}`]);
    await putBackProxy(ctx);
  },
  exercises: [inventory, nodeAgent, dnsOutage, restoreProxy],
});
