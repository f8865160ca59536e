// Exercise: the notes' flannel ClusterRoleBinding, written for rbac.authorization.k8s.io/v1beta1,
// applied again as v1. The checks read the binding and the manifest kubectl last applied.
import { describeMismatch, fail, lastApplied, matchObject, pass, readObject, type Exercise } from '../../src/engine/sdk.ts';
import type { V1ClusterRoleBinding } from '@kubernetes/client-node';
import { OLD_BINDING } from './constants.ts';

const NEW_BINDING = OLD_BINDING.replace('rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1');

export const migrateBinding: Exercise = {
  id: 'migrate-binding',
  title: 'Migrate the flannel ClusterRoleBinding to rbac.authorization.k8s.io/v1',
  task: 'Apply the notes’ flannel ClusterRoleBinding with kubectl apply. v1beta1 is no longer served: change the apiVersion to the one that is, and apply it.',
  checks: [
    {
      id: 'binding-exists',
      title: 'ClusterRoleBinding flannel binds ClusterRole flannel to ServiceAccount kube-system/flannel',
      points: 2,
      hint: 'kubectl apply -f flannel-binding.yaml, after changing apiVersion to rbac.authorization.k8s.io/v1',
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
    },
    {
      id: 'applied-as-v1',
      title: 'It was applied as rbac.authorization.k8s.io/v1',
      points: 1,
      hint: 'use kubectl apply (not create), so the applied manifest is recorded; its apiVersion must be rbac.authorization.k8s.io/v1',
      async run(ctx) {
        const binding = await readObject<V1ClusterRoleBinding>(ctx, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'flannel');
        const applied = lastApplied(binding);
        if (!applied)
          return fail(
            'a binding applied with kubectl apply',
            binding ? 'a binding without last-applied-configuration (made with kubectl create?)' : 'no binding',
          );
        return applied.apiVersion === 'rbac.authorization.k8s.io/v1'
          ? pass('last applied as rbac.authorization.k8s.io/v1')
          : fail('apiVersion rbac.authorization.k8s.io/v1 in the applied manifest', `apiVersion ${String(applied.apiVersion)}`, [applied]);
      },
    },
  ],
  async solve(ctx) {
    await ctx.apply(NEW_BINDING);
  },
  async reset(ctx) {
    await ctx.kubectl(['delete', 'clusterrolebinding', 'flannel', '--ignore-not-found']);
  },
};
