// The migrated workload judged by what it does: the Deployment runs its replicas, the Service sends
// traffic to them, the budget protects them and the CronJob keeps its schedule. Any way of creating
// the objects passes (apply, server-side apply, create, replace, edit, kubectl create …).
import { DiscoveryV1Api, type V1CronJob, type V1Deployment, type V1PodDisruptionBudget, type V1Service } from '@kubernetes/client-node';
import { fail, pass, readObject, type Check, type CheckContext } from '../../src/engine/sdk.ts';
import { APP } from './constants.ts';
import { isEmptySelector, selects } from './routing.ts';

const { namespace, name, replicas } = APP;
const labelText = (labels: Record<string, string> = {}) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || 'none';

export const readDeployment = (ctx: CheckContext) => readObject<V1Deployment>(ctx, 'apps/v1', 'Deployment', name, namespace);
export const readService = (ctx: CheckContext) => readObject<V1Service>(ctx, 'v1', 'Service', name, namespace);
const notThere = (kind: string, objectName = name) =>
  `no ${kind} ${objectName} in namespace ${namespace} (kubectl apply -f <your file> says, document by document, why one was refused)`;

/** How far the Deployment's rollout got, or undefined when all replicas run the current template. */
function rolloutGap(d: V1Deployment): string | undefined {
  const status = d.status ?? {};
  const current = (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const ready = Math.min(status.updatedReplicas ?? 0, status.availableReplicas ?? 0);
  return current && ready >= replicas
    ? undefined
    : `${ready} of ${replicas} replicas updated and available (kubectl rollout status deployment/${name} -n ${namespace})`;
}

export const deploymentCheck: Check = {
  id: 'deployment',
  title: `Deployment ${name} runs ${replicas} replicas through apps/v1`,
  points: 2,
  timeoutMs: 5_000,
  hint: `kubectl explain deployment.spec shows what apps/v1 requires that extensions/v1beta1 filled in by itself; the API server's error names it too`,
  async run(ctx) {
    const d = await readDeployment(ctx);
    if (!d) return fail(`Deployment ${namespace}/${name}`, notThere('Deployment'));
    const labels = d.spec?.template.metadata?.labels;
    if (!selects({ matchLabels: APP.label }, labels))
      return fail(
        `pods labelled ${labelText(APP.label)}`,
        `pods labelled ${labelText(labels)}: Service ${name} and the budget select ${labelText(APP.label)}`,
        [d],
      );
    if (d.spec?.replicas !== replicas)
      return fail(`${replicas} replicas, as the legacy manifest asks`, `spec.replicas ${d.spec?.replicas}`, [d]);
    const gap = rolloutGap(d);
    return gap
      ? fail(`${replicas} replicas updated and available`, gap, [d])
      : pass(`Deployment ${name}: ${replicas} of ${replicas} replicas available`);
  },
};

async function readyBackends(ctx: CheckContext): Promise<number> {
  const slices = await ctx.kc
    .makeApiClient(DiscoveryV1Api)
    .listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
  return slices.items
    .filter((s) => s.ports?.some((p) => p.port === APP.containerPort))
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false && e.targetRef?.kind === 'Pod').length;
}

export const serviceCheck: Check = {
  id: 'service',
  title: `Service ${name} sends port ${APP.servicePort} to the Deployment's pods`,
  points: 1,
  timeoutMs: 5_000,
  hint: `kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${name} shows which pods and ports the Service reaches; its selector and targetPort must match the pod template`,
  async run(ctx) {
    const service = await readService(ctx);
    if (!service) return fail(`Service ${namespace}/${name}`, notThere('Service'));
    if (!service.spec?.ports?.some((p) => p.port === APP.servicePort))
      return fail(`Service port ${APP.servicePort}`, `ports ${service.spec?.ports?.map((p) => p.port).join(', ') || 'none'}`, [service]);
    const ready = await readyBackends(ctx);
    return ready >= replicas
      ? pass(`Service ${name} reaches ${ready} ready pods on port ${APP.containerPort}`)
      : fail(`${replicas} ready pods behind Service ${name} on container port ${APP.containerPort}`, `${ready} ready`, [service]);
  },
};

/** Whether the budget's status counts exactly the Deployment's replicas, as the disruption controller sees them. */
function budgetCount(pdb: V1PodDisruptionBudget): string | undefined {
  const status = pdb.status;
  if (!status || (status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0))
    return 'the disruption controller has not counted its pods yet';
  return status.expectedPods === replicas
    ? undefined
    : `it counts ${status.expectedPods} pods (kubectl describe pdb ${name} -n ${namespace})`;
}

export const budgetCheck: Check = {
  id: 'budget',
  title: `PodDisruptionBudget ${name} keeps ${APP.minAvailable} of the Deployment's pods available`,
  points: 1,
  timeoutMs: 5_000,
  hint: `kubectl explain poddisruptionbudget.spec: keep the legacy budget and a selector that picks the Deployment's pods (an empty selector means something else in policy/v1)`,
  async run(ctx) {
    const pdb = await readObject<V1PodDisruptionBudget>(ctx, 'policy/v1', 'PodDisruptionBudget', name, namespace);
    if (!pdb) return fail(`PodDisruptionBudget ${namespace}/${name}`, notThere('PodDisruptionBudget'));
    if (!pdb.spec?.selector) return fail('a selector for the Deployment’s pods', 'no selector, so the budget covers no pod', [pdb]);
    if (isEmptySelector(pdb.spec.selector))
      return fail('a selector for the Deployment’s pods', 'an empty selector, which policy/v1 reads as every pod in the namespace', [pdb]);
    const deployment = await readDeployment(ctx);
    if (!deployment) return fail(`a budget for the pods of Deployment ${name}`, `no Deployment ${name} yet`, [pdb]);
    if (!selects(pdb.spec?.selector, deployment.spec?.template.metadata?.labels))
      return fail(`a selector that picks the pods of Deployment ${name}`, 'the selector does not match the labels of its pod template', [
        pdb,
        deployment,
      ]);
    if (String(pdb.spec?.minAvailable) !== String(APP.minAvailable))
      return fail(
        `minAvailable ${APP.minAvailable}, as the legacy budget says`,
        `minAvailable ${pdb.spec?.minAvailable ?? 'unset'}, maxUnavailable ${pdb.spec?.maxUnavailable ?? 'unset'}`,
        [pdb],
      );
    const count = budgetCount(pdb);
    return count
      ? fail(`the budget counting the ${replicas} pods of Deployment ${name}`, count, [pdb])
      : pass(`budget ${name}: at least ${APP.minAvailable} of ${replicas} pods stay available`);
  },
};

export const cronJobCheck: Check = {
  id: 'cronjob',
  title: `CronJob ${APP.cronJob} keeps its schedule and concurrency policy`,
  points: 1,
  hint: 'kubectl api-resources tells where CronJob is served now; the legacy schedule and concurrencyPolicy carry over as they are',
  async run(ctx) {
    const cj = await readObject<V1CronJob>(ctx, 'batch/v1', 'CronJob', APP.cronJob, namespace);
    if (!cj) return fail(`CronJob ${namespace}/${APP.cronJob}`, notThere('CronJob', APP.cronJob));
    const schedule = cj.spec?.schedule?.trim().split(/\s+/).join(' ');
    if (schedule !== APP.schedule)
      return fail(`schedule "${APP.schedule}", as the legacy manifest has it`, `schedule "${cj.spec?.schedule}"`, [cj]);
    if (cj.spec?.concurrencyPolicy !== APP.concurrencyPolicy)
      return fail(
        `concurrencyPolicy ${APP.concurrencyPolicy}, as the legacy manifest has it`,
        `concurrencyPolicy ${cj.spec?.concurrencyPolicy}`,
        [cj],
      );
    return cj.spec?.suspend
      ? fail('a CronJob that runs', 'spec.suspend is true', [cj])
      : pass(`CronJob ${APP.cronJob}: "${APP.schedule}", ${APP.concurrencyPolicy}`);
  },
};
