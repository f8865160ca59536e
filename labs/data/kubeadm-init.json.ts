// Data loader: the facts the kubeadm init page quotes, taken from the lab's constants and the
// pinned versions, so that the page, the checks and the commands it shows never disagree.
import { ANSWERS, BASELINE, EXTRA_SANS, JOIN_NODE, JOIN_TOKEN, NAMESPACE, NOTES } from '../../checks/kubeadm-init/constants.ts';
import { versions } from '../../src/binaries/versions.ts';

process.stdout.write(
  JSON.stringify(
    {
      kubernetesVersion: versions.kubernetes,
      notes: NOTES,
      extraSans: EXTRA_SANS,
      joinToken: JOIN_TOKEN,
      namespace: NAMESPACE,
      answers: ANSWERS,
      baseline: BASELINE,
      joinNode: JOIN_NODE,
    },
    null,
    2,
  ),
  () => process.exit(0),
);
