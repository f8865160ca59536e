// What the etcd lab's page and checks both quote: the namespace the accident takes away, where
// the lab keeps its record, and where kubeadm puts etcd's data. No imports, so the page's data
// loader stays light.

export const NAMESPACE = 'kubelab';

/** What the lab recorded when it started: the objects a restore must bring back, etcd's data directory. */
export const BASELINE = { name: 'etcd-backup-baseline', namespace: NAMESPACE };

/** The namespace the learner backs up, loses and restores, with the ConfigMaps it holds. */
export const ORDERS = { namespace: 'orders', configMaps: ['order-1001', 'order-1002', 'order-1003'] };

/** Where kubeadm keeps etcd's data, and the client certificates etcd trusts, on the control-plane machine. */
export const ETCD = {
  dataDir: '/var/lib/etcd',
  endpoint: 'https://127.0.0.1:2379',
  ca: '/etc/kubernetes/pki/etcd/ca.crt',
  cert: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
  key: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
  manifest: '/etc/kubernetes/manifests/etcd.yaml',
};
