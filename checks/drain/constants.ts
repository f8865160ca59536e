// What the drain page and the lab both name: the workloads on the node to drain, the budget, the
// node to rebuild and the ConfigMap the availability watcher writes. No imports, so a page's data
// loader stays light.

export const NAMESPACE = 'drain';
export const DEPLOYMENT = 'kuard';
export const REPLICAS = 6;
/**
 * The PodDisruptionBudget asks for every replica: it allows no eviction until kuard has a spare
 * replica, so kubectl drain is refused (HTTP 429) until the learner makes room without lowering it.
 */
export const MIN_AVAILABLE = REPLICAS;
/** How many kuard replicas the lab places on the node to drain: the budget is met for one eviction at a time. */
export const ON_NODE = 2;
/** A Deployment whose pod keeps scratch data in an emptyDir: drain refuses it without --delete-emptydir-data. */
export const CACHE = 'cache';
/** A Pod nobody manages, started by hand for debugging: drain refuses it without --force, and nothing recreates it. */
export const TOOLBOX = 'toolbox';
/** The worker to drain and rebuild, as the notes rebuilt their first worker. */
export const NODE = 'kub2';
export const RECORD = { namespace: 'kubelab', name: 'drain-availability' };
