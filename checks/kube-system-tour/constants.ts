// What the kube-system tour's page and checks both quote: the components it asks about, the
// object names it uses and where answers go. No imports, so the page's data loader stays light.

export const NAMESPACE = 'kubelab';

/** Where the learner records how each component runs (Exercise 1). */
export const ANSWERS = { name: 'kube-system-tour-answers', namespace: NAMESPACE };

/** kubeadm's control plane: on a kubeadm machine, one static pod manifest each in /etc/kubernetes/manifests. */
export const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

/** kubeadm's two essential addons, installed through the API by `kubeadm init phase addon`. */
export const ADDONS = ['coredns', 'kube-proxy'] as const;

/** The words an answer may use for how a component runs. */
export const HOW = ['static-pod', 'daemonset', 'deployment', 'process'] as const;
export type How = (typeof HOW)[number];

/** The learner's own node agent (Exercise 2): it runs the way kube-proxy does. */
export const AGENT = { name: 'node-agent', namespace: 'kube-system', priorityClass: 'system-node-critical' };

/** Cluster DNS as kubeadm installs it (Exercise 3). */
export const DNS = {
  deployment: 'coredns',
  service: 'kube-dns',
  namespace: 'kube-system',
  selector: { 'k8s-app': 'kube-dns' },
  replicas: 2,
};

/** kube-proxy as kubeadm installs it (Exercise 4): a DaemonSet and the ConfigMap it reads. */
export const PROXY = { name: 'kube-proxy', namespace: 'kube-system', configKeys: ['config.conf', 'kubeconfig.conf'] };

/** What the lab recorded when it started: kube-proxy's objects, to tell a restore from the original. */
export const BASELINE = { name: 'kube-system-tour-baseline', namespace: NAMESPACE };
