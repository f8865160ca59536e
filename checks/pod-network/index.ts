// Lab: a pod network from scratch. The lab takes the cluster's CNI away, as a cluster is right
// after kubeadm init; the learner installs flannel in host-gw mode over the notes' 10.244.0.0/16
// and sees nodes turn Ready and pods on different nodes reach each other. Needs real kubelets and
// node machines whose network the lab can change: kind.
import { defineLab } from '../../src/engine/sdk.ts';
import { flannel } from './flannel.ts';
import { giveNetworkBack, labBegun, plantEcho, takeNetworkAway } from './network.ts';

export default defineLab({
  id: 'pod-network',
  title: 'A pod network from scratch',
  summary:
    'Start from a cluster with no CNI, see why its nodes are NotReady, and install flannel in host-gw mode over the notes’ pod network until pods on different nodes reach each other.',
  order: 80,
  needs: ['containers', 'machines'],
  shape: {},
  async setup(ctx) {
    // Starting again keeps what the learner did since (flannel too), and the echo pods are made again if gone.
    if (!(await labBegun(ctx))) await takeNetworkAway(ctx);
    await plantEcho(ctx);
  },
  teardown: giveNetworkBack,
  exercises: [flannel],
});
