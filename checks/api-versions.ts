// Lab: API versions. Discovery, the source notes' `kubectl api-versions` from Kubernetes 1.9,
// and the flannel ClusterRoleBinding written against rbac.authorization.k8s.io/v1beta1.
import { ApisApi, CoreApi, type V1ClusterRoleBinding, type V1ConfigMap } from '@kubernetes/client-node';
import { describeMismatch, matchObject } from '../src/engine/match.ts';
import { lastApplied, readObject } from '../src/engine/helpers.ts';
import { defineLab, fail, pass, type CheckContext, type LabContext } from '../src/engine/model.ts';

/** What `kubectl api-versions` printed on the notes' Kubernetes 1.9 cluster. */
export const NOTES_API_VERSIONS = [
  'apiextensions.k8s.io/v1beta1', 'apiregistration.k8s.io/v1beta1', 'apps/v1beta1', 'apps/v1beta2',
  'authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1', 'authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1',
  'autoscaling/v1', 'autoscaling/v2beta1', 'batch/v1', 'batch/v1beta1', 'certificates.k8s.io/v1beta1',
  'extensions/v1beta1', 'networking.k8s.io/v1', 'policy/v1beta1', 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1', 'storage.k8s.io/v1', 'storage.k8s.io/v1beta1', 'v1',
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

const NEW_BINDING = OLD_BINDING.replace('rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1');

/** Every group/version the API server serves now, as `kubectl api-versions` lists them. */
export async function servedVersions(kc: CheckContext['kc']): Promise<string[]> {
  const core = await kc.makeApiClient(CoreApi).getAPIVersions();
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  return [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))].sort();
}

const parseList = (text: string | undefined) => [...new Set((text ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))].sort();

export default defineLab({
  id: 'api-versions',
  title: 'API versions',
  summary: 'Discovery, group/versions served today against the notes’ Kubernetes 1.9 list, and migrating a v1beta1 manifest.',
  shape: {},
  async setup(ctx: LabContext) {
    // What flannel's manifest creates besides the binding: its ClusterRole and ServiceAccount.
    await ctx.apply(`apiVersion: rbac.authorization.k8s.io/v1
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
`);
  },
  exercises: [
    {
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
            return mismatch ? fail('roleRef ClusterRole flannel and subject ServiceAccount kube-system/flannel', describeMismatch(mismatch), [binding]) : pass('ClusterRoleBinding flannel binds ClusterRole flannel to kube-system/flannel');
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
            if (!applied) return fail('a binding applied with kubectl apply', binding ? 'a binding without last-applied-configuration (made with kubectl create?)' : 'no binding');
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
    },
    {
      id: 'retired-versions',
      title: 'Which of the notes’ group/versions are gone?',
      task: `Compare the notes’ list with \`kubectl api-versions\` on your cluster. Record every group/version of the notes that is no longer served, separated by spaces, under key "${ANSWERS.key}" of ConfigMap ${ANSWERS.name} in namespace ${ANSWERS.namespace}.`,
      checks: [
        {
          id: 'answer-matches-discovery',
          title: 'The recorded answer matches live discovery',
          points: 3,
          hint: `kubectl api-versions | sort > now.txt, compare with the notes' list, then kubectl create configmap ${ANSWERS.name} -n ${ANSWERS.namespace} --from-literal=${ANSWERS.key}="..."`,
          async run(ctx) {
            const served = new Set(await servedVersions(ctx.kc));
            const expected = NOTES_API_VERSIONS.filter((v) => !served.has(v)).sort();
            const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace);
            if (!cm) return fail(`ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`, 'no such ConfigMap');
            const answered = parseList(cm.data?.[ANSWERS.key]);
            const missing = expected.filter((v) => !answered.includes(v));
            const wrong = answered.filter((v) => !expected.includes(v));
            if (!missing.length && !wrong.length) return pass(`all ${expected.length} retired group/versions named, none still served`);
            const found = [missing.length ? `${missing.length} missing (e.g. ${missing[0]})` : '', wrong.length ? `${wrong.length} wrong (${wrong.slice(0, 3).join(', ')} ${wrong.some((w) => served.has(w)) ? 'is still served' : 'is not in the notes'})` : '']
              .filter(Boolean)
              .join('; ');
            return fail(`${expected.length} retired group/versions`, found, [{ answered, servedNow: [...served] }]);
          },
        },
      ],
      async solve(ctx) {
        const served = new Set(await servedVersions(ctx.kc));
        const retired = NOTES_API_VERSIONS.filter((v) => !served.has(v)).join(' ');
        await ctx.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${ANSWERS.name}\n  namespace: ${ANSWERS.namespace}\ndata:\n  ${ANSWERS.key}: "${retired}"\n`);
      },
      async reset(ctx) {
        await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
      },
    },
  ],
});
