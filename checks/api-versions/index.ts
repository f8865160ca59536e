// Lab: API versions. Discovery, the source notes' `kubectl api-versions` from Kubernetes 1.9,
// and the flannel ClusterRoleBinding written against rbac.authorization.k8s.io/v1beta1.
import { defineLab } from '../../src/engine/sdk.ts';
import { ANSWERS } from './constants.ts';
import { migrateBinding } from './migrate-binding.ts';
import { retiredVersions } from './retired-versions.ts';

// What flannel's manifest creates besides the binding: its ClusterRole and ServiceAccount.
const FLANNEL_AND_ANSWERS = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: flannel
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get]
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [nodes/status]
  verbs: [patch]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flannel
  namespace: kube-system
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${ANSWERS.namespace}
`;

export default defineLab({
  id: 'api-versions',
  title: 'API versions',
  summary: 'Discovery, group/versions served today against the notes’ Kubernetes 1.9 list, and migrating a v1beta1 manifest.',
  order: 20,
  shape: {},
  async setup(ctx) {
    await ctx.apply(FLANNEL_AND_ANSWERS);
  },
  exercises: [migrateBinding, retiredVersions],
});
