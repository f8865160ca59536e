// What kubeadm init does once the API server answers, for nodes that kwok plays: the nodes
// register, and the upload-config, bootstrap-token and addon phases run against the API.
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { join } from 'node:path';
import type { Binaries } from '../../binaries/index.ts';
import { UserError } from '../../errors.ts';
import { exec } from '../../exec.ts';
import { clients, loadKubeConfig, messageOf, statusOf } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { registerNode } from './nodes.ts';
import { paths, type LocalRecord } from './state.ts';

/**
 * admin.conf authenticates as group kubeadm:cluster-admins, which holds no rights until
 * this binding exists; kubeadm init creates it with super-admin.conf, and so do we.
 */
async function ensureClusterAdminsBinding(rbac: RbacAuthorizationV1Api): Promise<void> {
  try {
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'kubeadm:cluster-admins' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
      },
    });
  } catch (error) {
    if (statusOf(error) !== 409)
      throw new UserError(`cannot create ClusterRoleBinding kubeadm:cluster-admins: ${messageOf(error)}`, { cause: error });
  }
}

export async function bootstrap(record: LocalRecord, binaries: Binaries, progress: Progress): Promise<void> {
  const name = record.shape.name;
  const p = paths(name);
  const superAdmin = join(p.kubeconfigDir, 'super-admin.conf');
  const kc = loadKubeConfig(superAdmin);
  const { core } = clients(kc);
  const registerNodes = async () => {
    await Promise.all(
      record.shape.nodes.map(async (node) => {
        try {
          await registerNode(name, node, core);
        } catch (error) {
          // Registered by an earlier, interrupted bootstrap.
          if (!/still registered/.test((error as Error).message)) throw error;
        }
      }),
    );
    progress.mark?.('nodes registered');
  };
  const kubeadm = binaries.path('kubeadm');
  const args = ['--config', p.kubeadmConfig, '--kubeconfig', superAdmin];
  const phase = async (what: string) => {
    await exec(`kubeadm init phase ${what}`, kubeadm, ['init', 'phase', ...what.split(' '), ...args]);
    progress.mark?.(`kubeadm init phase ${what} finished`);
  };
  // None of these needs another's objects, so they share the wait for the API server's answers.
  await Promise.all([
    registerNodes(),
    ensureClusterAdminsBinding(kc.makeApiClient(RbacAuthorizationV1Api)),
    phase('upload-config all'),
    phase('bootstrap-token'),
    phase('addon all'),
  ]);
}
