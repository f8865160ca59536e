// The notes' flannel ClusterRoleBinding, judged by what it grants: ClusterRole flannel to the
// ServiceAccount kube-system/flannel. rbac.authorization.k8s.io/v1 is where it can be read today;
// how it got there (apply, create -f, replace, kubectl create clusterrolebinding) does not matter.
import type { V1ClusterRoleBinding } from '@kubernetes/client-node';
import { describeMismatch, fail, matchObject, pass, readObject, type Check } from '../../src/engine/sdk.ts';

export const bindingCheck: Check = {
  id: 'binding',
  title: 'ClusterRoleBinding flannel grants ClusterRole flannel to ServiceAccount kube-system/flannel',
  points: 1,
  hint: 'kubectl api-resources shows the group/version ClusterRoleBinding is served in; the rest of the notes’ binding carries over as it is',
  async run(ctx) {
    const binding = await readObject<V1ClusterRoleBinding>(ctx, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'flannel');
    if (!binding) return fail('ClusterRoleBinding flannel', 'no ClusterRoleBinding named flannel');
    const mismatch = matchObject(binding, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flannel' },
      subjects: [{ kind: 'ServiceAccount', name: 'flannel', namespace: 'kube-system' }],
    });
    return mismatch
      ? fail('roleRef ClusterRole flannel and subject ServiceAccount kube-system/flannel', describeMismatch(mismatch), [binding])
      : pass('ClusterRoleBinding flannel binds ClusterRole flannel to kube-system/flannel');
  },
};
