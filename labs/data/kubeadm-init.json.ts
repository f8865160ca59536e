// Data loader: the facts the kubeadm init page quotes, taken from the lab's constants, the
// pinned versions and the default shape, so that the page, the checks and the commands it shows
// never disagree.
import { ANSWERS, JOIN_NODE, NAMESPACE } from '../../checks/kubeadm-init/constants.ts';
import { versions } from '../../src/binaries/versions.ts';
import { defaultShape } from '../../src/cluster/shape.ts';

const shape = defaultShape();
process.stdout.write(
  JSON.stringify(
    {
      kubernetesVersion: versions.kubernetes,
      advertiseAddress: shape.advertiseAddress,
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
