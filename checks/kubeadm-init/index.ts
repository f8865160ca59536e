// Lab: kubeadm init, phase by phase, with the notes' flags (--pod-network-cidr=10.244.0.0/16
// --service-cidr=10.10.0.0/16 --apiserver-advertise-address=10.10.10.101): the learner writes
// them as a configuration file, generates a PKI, renews a certificate of the live cluster, reads
// cluster-info as a joining node does, makes a bootstrap token and joins a fourth node with it
// for real (token discovery, CA pinning, TLS bootstrap), then deletes the token.
import { defineLab, namespaceManifests } from '../../src/engine/sdk.ts';
import { recordBaseline } from './baseline.ts';
import { bootstrapToken } from './bootstrap-token.ts';
import { certificates } from './certificates.ts';
import { clusterInfo } from './cluster-info.ts';
import { NAMESPACE } from './constants.ts';
import { initConfig } from './init-config.ts';
import { joinWorker } from './join-worker.ts';
import { renewCertificate } from './renew-certificate.ts';

export default defineLab({
  id: 'kubeadm-init',
  title: 'kubeadm init, phase by phase, and joining a node',
  summary:
    'Write kubeadm init as a config file, generate and renew certificates, read cluster-info as a joining node does, and join kub4 with a short-lived bootstrap token of your own.',
  order: 10,
  // kub4 joins with the learner's token and CA hash: only a provider whose nodes join can run it.
  needs: ['join'],
  shape: {},
  async setup(ctx) {
    await ctx.apply(namespaceManifests(NAMESPACE));
    await recordBaseline(ctx);
  },
  exercises: [initConfig, certificates, renewCertificate, clusterInfo, bootstrapToken, joinWorker],
});
