// Data loader: where the max-pods page finds kuard, the learner's answers and kubeadm's
// kubelet-config ConfigMap, and the two sizes the lab runs at, taken from the lab's constants so
// that the page and the checks count the same pods.
import {
  ANSWER_KEYS,
  ANSWERS,
  CONTAINER_SCALE,
  KUBELET_CONFIGMAP,
  LABEL,
  NAMESPACE,
  NOTES_SCALE,
} from '../../checks/max-pods/constants.ts';

process.stdout.write(
  JSON.stringify(
    {
      kuard: { namespace: NAMESPACE, label: LABEL },
      answers: { ...ANSWERS, keys: ANSWER_KEYS },
      kubeletConfigMap: KUBELET_CONFIGMAP,
      scales: { notes: NOTES_SCALE, containers: CONTAINER_SCALE },
    },
    null,
    2,
  ),
);
