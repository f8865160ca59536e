// Lab: API versions. Find out what the cluster serves (kubectl api-versions, api-resources,
// explain), then migrate a legacy manifest, written for the notes' era, to the versions served today.
import { defineLab, WORKLOAD_IMAGE } from '../../src/engine/sdk.ts';
import { APP, LEGACY } from './constants.ts';
import { legacyManifest } from './manifests.ts';
import { migrateManifest } from './migrate-manifest.ts';
import { retiredVersions } from './retired-versions.ts';

// What the legacy manifest relies on and does not create: flannel's ClusterRole and ServiceAccount,
// the application's namespace and the ingress class its annotation names.
const PREREQUISITES = `apiVersion: rbac.authorization.k8s.io/v1
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
  name: ${APP.namespace}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${APP.ingressClass}
spec:
  controller: ${APP.ingressController}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${LEGACY.namespace}
`;

// JSON is YAML, and it carries the manifest's text without any re-indenting.
const LEGACY_CONFIGMAP = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: LEGACY.name, namespace: LEGACY.namespace },
  data: { [LEGACY.key]: legacyManifest(WORKLOAD_IMAGE) },
});

export default defineLab({
  id: 'api-versions',
  title: 'API versions',
  summary: 'What the cluster serves today against the notes’ list, and a legacy manifest migrated to the versions that replaced theirs.',
  order: 20,
  shape: {},
  async setup(ctx) {
    await ctx.apply(PREREQUISITES);
    await ctx.apply(LEGACY_CONFIGMAP);
  },
  // The application's pods count against the nodes' pod limits that later labs measure.
  async teardown(ctx) {
    await ctx.kubectl(['delete', 'namespace', APP.namespace, '--ignore-not-found', '--timeout=120s']);
  },
  exercises: [retiredVersions, migrateManifest],
});
