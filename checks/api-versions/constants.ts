// What the API versions page and the lab both quote: the notes' list, the binding they wrote,
// and where the learner records the answer. No imports, so a page's data loader stays light.

/** What `kubectl api-versions` printed on the notes' Kubernetes 1.9 cluster. */
export const NOTES_API_VERSIONS = [
  'apiextensions.k8s.io/v1beta1',
  'apiregistration.k8s.io/v1beta1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2beta1',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1beta1',
  'extensions/v1beta1',
  'networking.k8s.io/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'v1',
];

export const ANSWERS = { namespace: 'kubelab', name: 'api-versions-answers', key: 'retired' };

/** The binding from the notes, as they wrote it. */
export const OLD_BINDING = `kind: ClusterRoleBinding
apiVersion: rbac.authorization.k8s.io/v1beta1
metadata:
  name: flannel
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: flannel
subjects:
- kind: ServiceAccount
  name: flannel
  namespace: kube-system
`;
