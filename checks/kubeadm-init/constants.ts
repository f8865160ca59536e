// What the kubeadm init page and the lab both quote: the notes' flags, the names a learner is
// asked to use, and where answers go. No imports, so a page's data loader stays light.

/** The notes' kubeadm init flags and the machine they ran on. */
export const NOTES = {
  nodeName: 'kub1',
  advertiseAddress: '10.10.10.101',
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.10.0.0/16',
};

/** The names a load balancer in front of the API server would add to its certificate. */
export const EXTRA_SANS = { dns: 'k8s-api.example.net', ip: '10.10.10.100' };

/** The token the learner makes for kub4: how long it lives and how it is labelled. */
export const JOIN_TOKEN = { ttlHours: 2, description: 'join kub4' };

/** The group kubeadm gives its tokens, which its RBAC lets file and auto-approve node CSRs. */
export const NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

export const NAMESPACE = 'kubelab';
export const ANSWERS = {
  config: 'kubeadm-init-config',
  certificates: 'kubeadm-init-certs',
  discovery: 'kubeadm-init-discovery',
};
/** What the cluster looked like when the lab started: its tokens and the API server's certificate. */
export const BASELINE = 'kubeadm-init-baseline';
export const JOIN_NODE = 'kub4';
