// Lab: etcd backup and restore. A snapshot with etcdctl, a namespace lost, the snapshot restored
// with etcdutl into a new data directory, and the control plane brought back on it. Needs real
// static pods: on kind, etcd is kubeadm's static pod, run by kub1's kubelet from its manifest.
import { defineLab, namespaceManifests } from '../../src/engine/sdk.ts';
import { recordBaseline } from './baseline.ts';
import { NAMESPACE } from './constants.ts';
import { restore } from './restore.ts';

export default defineLab({
  id: 'etcd-backup',
  title: 'etcd backup and restore',
  summary:
    'Snapshot etcd with etcdctl, lose a namespace, restore the snapshot into a new data directory with etcdutl, and bring the control plane back on it.',
  order: 70,
  needs: ['static-pods'],
  shape: {},
  async setup(ctx) {
    await ctx.apply(namespaceManifests(NAMESPACE));
    await recordBaseline(ctx);
  },
  exercises: [restore],
});
