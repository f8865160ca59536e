import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import { messageOf, statusOf } from '../kube/client.ts';

export const CHECKER_NAMESPACE = 'kubelab-system';
export const CHECKER_NAME = 'kubelab-checker';

async function ignoreConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (statusOf(error) !== 409) throw new UserError(`cannot set up the read-only checker identity: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * A KubeConfig for checks: a ServiceAccount bound to a ClusterRole that can only get,
 * list and watch, so that a check that tries to write is refused by the API server.
 */
export async function checkerKubeConfig(admin: KubeConfig, ttlSeconds = 3600): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  // Three independent chains, so a grade waits for one round trip of each rather than all in a row:
  // RBAC accepts a binding before its role or its ServiceAccount exists.
  await Promise.all([
    (async () => {
      await ignoreConflict(() => core.createNamespace({ body: { metadata: { name: CHECKER_NAMESPACE } } }));
      await ignoreConflict(() =>
        core.createNamespacedServiceAccount({ namespace: CHECKER_NAMESPACE, body: { metadata: { name: CHECKER_NAME } } }),
      );
    })(),
    ignoreConflict(() =>
      rbac.createClusterRole({
        body: {
          metadata: { name: `kubelab:${CHECKER_NAME}` },
          rules: [
            { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
            { nonResourceURLs: ['*'], verbs: ['get'] },
          ],
        },
      }),
    ),
    ignoreConflict(() =>
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name: `kubelab:${CHECKER_NAME}` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `kubelab:${CHECKER_NAME}` },
          subjects: [{ kind: 'ServiceAccount', name: CHECKER_NAME, namespace: CHECKER_NAMESPACE }],
        },
      }),
    ),
  ]);
  const request = await core.createNamespacedServiceAccountToken({
    name: CHECKER_NAME,
    namespace: CHECKER_NAMESPACE,
    body: { spec: { expirationSeconds: ttlSeconds, audiences: [] } },
  });
  const token = request.status?.token;
  if (!token) throw new UserError('the API server returned no token for the checker identity');
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new UserError('the kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: CHECKER_NAME, token }],
    contexts: [{ name: CHECKER_NAME, cluster: cluster.name, user: CHECKER_NAME }],
    currentContext: CHECKER_NAME,
  });
  return kc;
}

/** Removes the checker identity (and nothing else) from a cluster: what kubelab leaves in one it did not create. */
export async function removeCheckerIdentity(admin: KubeConfig): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const removals = [
    () => rbac.deleteClusterRoleBinding({ name: `kubelab:${CHECKER_NAME}` }),
    () => rbac.deleteClusterRole({ name: `kubelab:${CHECKER_NAME}` }),
    () => admin.makeApiClient(CoreV1Api).deleteNamespace({ name: CHECKER_NAMESPACE }),
  ];
  for (const remove of removals) {
    try {
      await remove();
    } catch (error) {
      if (statusOf(error) !== 404) throw new UserError(`cannot remove kubelab's checker identity: ${messageOf(error)}`, { cause: error });
    }
  }
}
