// Lab: kubeadm init, phase by phase, with the notes' flags (--pod-network-cidr=10.244.0.0/16
// --service-cidr=10.10.0.0/16 --apiserver-advertise-address=10.10.10.101), and a real
// kubeadm-style join of a fourth node: token discovery, CA pinning and TLS bootstrap.
import { defineLab } from '../../src/engine/sdk.ts';
import { bootstrapToken } from './bootstrap-token.ts';
import { certificates } from './certificates.ts';
import { clusterInfo } from './cluster-info.ts';
import { NAMESPACE } from './constants.ts';
import { joinWorker } from './join-worker.ts';
import { networking } from './networking.ts';

export default defineLab({
  id: 'kubeadm-init',
  title: 'kubeadm init, phase by phase, and joining a node',
  summary:
    'The PKI, kubeadm-config, bootstrap tokens and cluster-info that kubeadm init leaves behind, and a real token-discovery join of kub4.',
  order: 10,
  // kub4 joins with the learner's token and CA hash: only a provider whose nodes join can run it.
  needs: ['join'],
  shape: {},
  async setup(ctx) {
    await ctx.apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`);
  },
  exercises: [certificates, networking, bootstrapToken, clusterInfo, joinWorker],
});
