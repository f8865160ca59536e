// What the kubeadm init page and the lab both quote: where the learner records answers and the
// node that joins. No imports, so a page's data loader stays light.

export const NAMESPACE = 'kubelab';
export const ANSWERS = {
  certificates: 'kubeadm-init-certs',
  networking: 'kubeadm-init-networking',
  token: 'kubeadm-init-token',
  discovery: 'kubeadm-init-discovery',
};
export const JOIN_NODE = 'kub4';
