// What the pod-network lab's page and checks both quote: the pod network of the source notes, the
// lab's echo pods, flannel's marks, and the cluster's usual CNI that the lab parks. No imports, so
// the page's data loader stays light.

export const NAMESPACE = 'pod-network';

/** kubeadm init --pod-network-cidr in the notes; kube-controller-manager hands each node a /24 of it. */
export const POD_NETWORK = '10.244.0.0/16';

/** One agnhost per node (a DaemonSet): what pod-to-pod traffic is tried between. */
export const ECHO = { name: 'echo', namespace: NAMESPACE, port: 8080, label: 'kubelab.dev/echo' };

/** The CNI kubelab's kind clusters normally run, parked by a nodeSelector no node carries, and where the lab keeps a copy of it. */
export const USUAL_CNI = { name: 'kubelab-net', namespace: 'kube-system', copy: 'kubelab-pod-network-usual-cni' };

/** Where a kubelab kind node keeps flannel's manifest, and what flannel writes on each Node. */
export const FLANNEL = {
  manifest: '/kind/manifests/kube-flannel.yml',
  backendAnnotation: 'flannel.alpha.coreos.com/backend-type',
  annotationPrefix: 'flannel.alpha.coreos.com/',
  netConfMount: '/etc/kube-flannel',
  netConfKey: 'net-conf.json',
  backend: 'host-gw',
};
