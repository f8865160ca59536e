// Helpers for the API versions page: rows for its tables, as pure functions of the objects the
// kube.js cells return and of the lab's names (data/api-versions.json, from the lab's constants).
import type {
  KubernetesObject,
  V1APIServiceSpec,
  V1CronJob,
  V1Deployment,
  V1Ingress,
  V1PodDisruptionBudget,
  V1Service,
} from '@kubernetes/client-node';

/** What the page reads of an APIService (apiregistration.k8s.io/v1). */
export interface APIServiceVersion {
  spec?: Pick<V1APIServiceSpec, 'group' | 'version'>;
}

/** A group/version as `kubectl api-versions` prints it, from an APIService ("v1" for the core group). */
export function groupVersion(apiService: APIServiceVersion): string | undefined {
  const { group, version } = apiService.spec ?? {};
  return group ? `${group}/${version}` : version;
}

/** The notes' list next to what this cluster serves: one row per group/version seen in either. */
export function comparisonRows(notes: string[], apiServices: APIServiceVersion[]): Record<string, string>[] {
  const served = new Set(apiServices.map(groupVersion).filter((gv) => gv !== undefined));
  return [...new Set([...notes, ...served])].sort().map((gv) => ({
    'group/version': gv,
    "notes' cluster (1.8)": notes.includes(gv) ? 'served' : '',
    'this cluster': served.has(gv) ? 'served' : 'gone',
  }));
}

/**
 * A watch that yields nothing, rather than failing its cell, for a kind that a built site's snapshot
 * of the cluster does not hold; with the bridge it is the watch itself.
 */
export async function* orNothing(watch: AsyncIterable<KubernetesObject[]>): AsyncGenerator<KubernetesObject[], void> {
  try {
    yield* watch;
  } catch (error) {
    if ((error as { state?: string } | undefined)?.state !== 'snapshot') throw error;
    yield [];
  }
}

/** The learner's recorded answers, one row per key, the way they typed them. */
export function answerRows(data: Record<string, string> = {}): { key: string; value: string }[] {
  return Object.entries(data)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

/** One row of the migration's table. */
interface MigrationRow {
  kind: string;
  name: string | undefined;
  state: string;
}

const labels = (labels: Record<string, string> = {}) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || 'none';

function deploymentRow(d: V1Deployment): MigrationRow {
  const s = d.status ?? {};
  return {
    kind: 'Deployment',
    name: d.metadata!.name,
    state: `${s.availableReplicas ?? 0}/${d.spec?.replicas ?? 0} available; selector ${labels(d.spec?.selector?.matchLabels)}`,
  };
}

function serviceRow(s: V1Service): MigrationRow {
  return { kind: 'Service', name: s.metadata!.name, state: (s.spec?.ports ?? []).map((p) => `${p.port} → ${p.targetPort}`).join(', ') };
}

function ingressRow(i: V1Ingress): MigrationRow {
  const paths = (i.spec?.rules ?? []).flatMap((r) =>
    (r.http?.paths ?? []).map(
      (p) =>
        `${r.host ?? '*'}${p.path ?? ''} (${p.pathType}) → ${p.backend?.service?.name ?? '?'}:${p.backend?.service?.port?.number ?? p.backend?.service?.port?.name ?? '?'}`,
    ),
  );
  return {
    kind: 'Ingress',
    name: i.metadata!.name,
    state: `class ${i.spec?.ingressClassName ?? '(none)'}; ${paths.join('; ') || 'no rules'}`,
  };
}

function budgetRow(b: V1PodDisruptionBudget): MigrationRow {
  const s = b.status ?? {};
  return {
    kind: 'PodDisruptionBudget',
    name: b.metadata!.name,
    state: `minAvailable ${b.spec?.minAvailable ?? '-'}; counts ${s.expectedPods ?? 0} pods; disruptions allowed now: ${s.disruptionsAllowed ?? 0}`,
  };
}

function cronJobRow(c: V1CronJob): MigrationRow {
  return {
    kind: 'CronJob',
    name: c.metadata!.name,
    state: `"${c.spec?.schedule}", ${c.spec?.concurrencyPolicy ?? 'Allow'}${c.spec?.suspend ? ', suspended' : ''}`,
  };
}

/** What the learner's migration has created so far, one row per object, in the learner's own terms. */
export function migrationRows({
  deployments = [],
  services = [],
  ingresses = [],
  budgets = [],
  cronJobs = [],
}: {
  deployments?: V1Deployment[];
  services?: V1Service[];
  ingresses?: V1Ingress[];
  budgets?: V1PodDisruptionBudget[];
  cronJobs?: V1CronJob[];
}): MigrationRow[] {
  return [
    ...deployments.map(deploymentRow),
    ...services.map(serviceRow),
    ...ingresses.map(ingressRow),
    ...budgets.map(budgetRow),
    ...cronJobs.map(cronJobRow),
  ];
}

/** What a migration from the notes' versions changes, field by field: shown once the exercise passes. */
export const MIGRATION_CHANGES = [
  {
    kind: 'Deployment',
    was: "extensions/v1beta1; spec.selector filled in from the template's labels",
    now: "apps/v1; spec.selector required, and it must match the template's labels",
  },
  {
    kind: 'Ingress',
    was: 'extensions/v1beta1; backend.serviceName, backend.servicePort',
    now: 'networking.k8s.io/v1; backend.service.name, backend.service.port.number (or .name)',
  },
  {
    kind: 'Ingress',
    was: 'no pathType (each controller decided how to match)',
    now: 'pathType required: Prefix matches /api and every path under /api/',
  },
  { kind: 'Ingress', was: 'annotation kubernetes.io/ingress.class', now: 'spec.ingressClassName, naming an IngressClass object' },
  {
    kind: 'PodDisruptionBudget',
    was: 'policy/v1beta1; an empty selector matched no pod',
    now: 'policy/v1; an empty selector matches every pod in the namespace',
  },
  { kind: 'CronJob', was: 'batch/v1beta1', now: 'batch/v1; same fields (plus an optional timeZone)' },
  { kind: 'ClusterRoleBinding', was: 'rbac.authorization.k8s.io/v1beta1', now: 'rbac.authorization.k8s.io/v1; same fields' },
];
