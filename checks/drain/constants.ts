// What the drain page and the lab both name: the workload, its budget, the node to rebuild and
// the ConfigMap the availability watcher writes. No imports, so a page's data loader stays light.

export const NAMESPACE = 'drain';
export const DEPLOYMENT = 'kuard';
export const REPLICAS = 6;
/** The PodDisruptionBudget: at most one replica down at a time. */
export const MIN_AVAILABLE = REPLICAS - 1;
/** The worker to rebuild, as the notes rebuilt their first worker. */
export const NODE = 'kub2';
export const RECORD = { namespace: 'kubelab', name: 'drain-availability' };
