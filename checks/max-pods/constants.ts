// What the max-pods page and the lab both name: where kuard runs, how its pods are labelled,
// the ConfigMaps of the learner's answers and of the recorded stall, and the two sizes the lab
// runs at. No imports, so a page's data loader stays light.

export const NAMESPACE = 'kuard';
export const LABEL = { key: 'run', value: 'kuard' };
/** Where the learner writes what they found. */
export const ANSWERS = { namespace: 'kubelab', name: 'max-pods-answers' };
/** The keys of the learner's answers, in the order the page asks for them. */
export const ANSWER_KEYS = ['ready', 'reason', 'max-pods', 'other-pods', 'min-max-pods'] as const;
/** Where the lab keeps digests of what the cluster looked like when scheduling stalled. */
export const STALL = { namespace: 'kubelab', name: 'max-pods-stall' };
/** kubeadm's cluster-wide kubelet configuration, which it copies into a node's file at join and upgrade. */
export const KUBELET_CONFIGMAP = { namespace: 'kube-system', name: 'kubelet-config', key: 'kubelet' };

/** How many replicas, and the kubelet's max pods before and after the fix. */
export interface Scale {
  replicas: number;
  defaultMaxPods: number;
  raisedMaxPods: number;
}

/** The notes' experiment, where kwok plays the kubelets: 800 replicas, the kubelet's default limit, raised to 250. */
export const NOTES_SCALE: Scale = { replicas: 800, defaultMaxPods: 110, raisedMaxPods: 250 };
/**
 * The same arithmetic (max pods × workers − other pods = where scheduling stops) at a size a
 * 2-core machine runs with real containers: 800 real pods overload it and can wedge Docker.
 * With kube-proxy and the CNI daemon on each of five workers: 5 × (12 − 2) = 50 of 70 run, and
 * 5 × (24 − 2) = 110 slots hold all 70.
 */
export const CONTAINER_SCALE: Scale = { replicas: 70, defaultMaxPods: 12, raisedMaxPods: 24 };
