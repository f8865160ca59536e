// Data loader: the facts the kubeadm init page quotes, taken from the lab's definition and the
// pinned versions so that the page, the checks and the commands it shows never disagree.
import { ADVERTISE_ADDRESS, ANSWERS, JOIN_NODE, NAMESPACE } from '../../checks/kubeadm-init.ts';
import { versions } from '../../src/binaries/versions.ts';
import { defaultShape } from '../../src/cluster/shape.ts';

const shape = defaultShape();
process.stdout.write(
  JSON.stringify(
    {
      kubernetesVersion: versions.kubernetes,
      advertiseAddress: ADVERTISE_ADDRESS,
      podSubnet: shape.podSubnet,
      serviceSubnet: shape.serviceSubnet,
      namespace: NAMESPACE,
      answers: ANSWERS,
      joinNode: JOIN_NODE,
    },
    null,
    2,
  ),
  () => process.exit(0),
);
