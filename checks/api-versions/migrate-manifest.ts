// Exercise: bring the legacy application (extensions/v1beta1 Deployment and Ingress, policy/v1beta1
// budget, batch/v1beta1 CronJob, the notes' rbac v1beta1 binding) to the versions served today,
// with the field changes those versions require. Graded on the live objects and what they do.
import { WORKLOAD_IMAGE, type Exercise } from '../../src/engine/sdk.ts';
import { bindingCheck } from './binding-check.ts';
import { APP, LEGACY } from './constants.ts';
import { ingressCheck, ingressClassCheck } from './ingress-checks.ts';
import { migratedManifest } from './manifests.ts';
import { budgetCheck, cronJobCheck, deploymentCheck, serviceCheck } from './workload-checks.ts';

export const migrateManifest: Exercise = {
  id: 'migrate-manifest',
  title: 'Migrate the legacy manifest',
  task: `Save the legacy manifest (ConfigMap ${LEGACY.namespace}/${LEGACY.name}, key ${LEGACY.key}) to a file and change it until it applies and the application runs as meant: Deployment ${APP.name} (${APP.replicas} replicas) behind Service ${APP.name}; Ingress ${APP.name}, class ${APP.ingressClass} named in the field, sending ${APP.host}${APP.path} and every path under it to port ${APP.servicePort} of that Service; budget ${APP.name} keeping ${APP.minAvailable} pod available; CronJob ${APP.cronJob} on its schedule; the notes' flannel binding.`,
  checks: [deploymentCheck, serviceCheck, ingressCheck, ingressClassCheck, budgetCheck, cronJobCheck, bindingCheck],
  solution: () => [
    `kubectl apply -f - <<'EOF'\n${migratedManifest(WORKLOAD_IMAGE)}EOF`,
    `kubectl rollout status deployment/${APP.name} -n ${APP.namespace} --timeout=120s`,
  ],
  async reset(ctx) {
    await ctx.kubectl([
      'delete',
      'deployments,services,ingresses,poddisruptionbudgets,cronjobs,jobs',
      '--all',
      '-n',
      APP.namespace,
      '--ignore-not-found',
    ]);
    await ctx.kubectl(['delete', 'clusterrolebinding', 'flannel', '--ignore-not-found']);
  },
};
