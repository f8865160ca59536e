// What the max-pods page and the lab both name: where kuard runs, how its pods are labelled,
// and the ConfigMaps of the learner's answers and of the recorded stall. No imports, so a
// page's data loader stays light.

export const NAMESPACE = 'kuard';
export const LABEL = { key: 'run', value: 'kuard' };
/** Where the learner writes what they saw. */
export const ANSWERS = { namespace: 'kubelab', name: 'max-pods-answers' };
/** Where the lab keeps what the cluster looked like when scheduling stalled. */
export const STALL = { namespace: 'kubelab', name: 'max-pods-stall' };
