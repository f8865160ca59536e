// Data loader: what the pod-network page quotes (the pod network, the echo pods, where flannel's
// manifest is, the usual CNI), from the lab's constants so the page and the checks never disagree.
// It carries no answer.
import { ECHO, FLANNEL, POD_NETWORK, USUAL_CNI } from '../../checks/pod-network/constants.ts';

process.stdout.write(
  JSON.stringify(
    {
      podNetwork: POD_NETWORK,
      echo: ECHO,
      flannel: { manifest: FLANNEL.manifest, backendAnnotation: FLANNEL.backendAnnotation },
      usualCni: USUAL_CNI,
    },
    null,
    2,
  ),
);
