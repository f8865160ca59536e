// What the API versions page and the lab both name: the notes' list and binding, the legacy
// application the learner migrates, and where answers are recorded. No imports, so a page's data
// loader stays light.

/**
 * What `kubectl api-versions` printed on the notes' cluster. apps/v1 (new in 1.9) is missing and
 * apps/v1beta2 (new in 1.8) is there, so that API server ran 1.8, as their join output says.
 */
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

/** The kinds of the legacy manifest, whose current group/version the learner looks up. */
export const LEGACY_KINDS = ['Deployment', 'Ingress', 'PodDisruptionBudget', 'CronJob', 'ClusterRoleBinding'];

/** Where the learner records what they found; `retired` keeps its name for the page's watchers. */
export const ANSWERS = { namespace: 'kubelab', name: 'api-versions-answers', key: 'retired', requiredKey: 'required' };

/** Where setup leaves the legacy manifest, so a learner can save it to a file from the cluster. */
export const LEGACY = { namespace: 'kubelab', name: 'legacy-manifest', key: 'legacy.yaml' };

/** The legacy application and what its migration must keep. */
export const APP = {
  namespace: 'shop',
  name: 'web',
  label: { app: 'web' },
  replicas: 2,
  portName: 'http',
  containerPort: 8080,
  servicePort: 80,
  host: 'shop.example.com',
  path: '/api',
  ingressClass: 'nginx',
  ingressController: 'k8s.io/ingress-nginx',
  minAvailable: 1,
  cronJob: 'smoke-test',
  schedule: '30 2 * * *',
  concurrencyPolicy: 'Forbid',
};

/** The deprecated annotation that named an Ingress's class before spec.ingressClassName. */
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

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
