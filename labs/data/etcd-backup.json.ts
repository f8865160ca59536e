// Data loader: what the etcd lab's page quotes (the namespace it has you lose, where kubeadm keeps
// etcd's data and client certificates), from the lab's constants so the page and the checks never
// disagree. It carries no answer.
import { BASELINE, ETCD, ORDERS } from '../../checks/etcd-backup/constants.ts';
import { CONTROL_PLANE } from '../../src/engine/static-pods.ts';

process.stdout.write(JSON.stringify({ orders: ORDERS, etcd: ETCD, baseline: BASELINE, controlPlane: CONTROL_PLANE }, null, 2));
