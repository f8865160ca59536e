/** Upstream versions kubelab runs. tools/go.mod pins the same (a unit test keeps them equal). */
export const versions = {
  kubernetes: 'v1.36.3',
  etcd: 'v3.6.8',
  kwok: 'v0.8.0',
} as const;

/** The upstream commands kubelab needs, each a file (or symlink) in the bin directory. */
export const components = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubeadm',
  'kubectl',
  'etcd',
  'etcdctl',
  'etcdutl',
  'kwok',
  'kwokctl',
] as const;

export type Component = (typeof components)[number];

/** kwok's default Stage objects (node-initialize, node-heartbeat-with-lease, pod-ready/complete/delete), kept beside the binaries. */
export const KWOK_STAGES = 'kwok-stages.yaml';
