// Exercise 1: find out how each piece of kube-system runs (a kubelet's static pod, a DaemonSet,
// a Deployment, or a process outside Kubernetes), and record it. Judged against this cluster, so
// the same answers are right on kind (real static pods) and wrong on the local provider (processes).
import type { V1ConfigMap } from '@kubernetes/client-node';
import { fail, pass, readObject, type Check, type CheckContext, type Exercise } from '../../src/engine/sdk.ts';
import { ADDONS, ANSWERS, CONTROL_PLANE, HOW, type How } from './constants.ts';
import { addonHow, controlPlaneHow, judgeHow } from './judge.ts';

const where = `ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}`;

async function answers(ctx: CheckContext): Promise<Record<string, string> | undefined> {
  return (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace))?.data ?? undefined;
}

async function controlPlaneTruth(ctx: CheckContext): Promise<Map<string, How | undefined>> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system' })).items;
  return new Map(CONTROL_PLANE.map((c) => [c, controlPlaneHow(c, pods)]));
}

async function addonTruth(ctx: CheckContext): Promise<Map<string, How | undefined>> {
  const deployments = (await ctx.apps.listNamespacedDeployment({ namespace: 'kube-system' })).items;
  const daemonSets = (await ctx.apps.listNamespacedDaemonSet({ namespace: 'kube-system' })).items;
  return new Map(ADDONS.map((a) => [a, addonHow(a, deployments, daemonSets)]));
}

function howCheck(id: string, title: string, hint: string, truthOf: (ctx: CheckContext) => Promise<Map<string, How | undefined>>): Check {
  return {
    id,
    title,
    points: 2,
    hint,
    async run(ctx) {
      const truth = await truthOf(ctx);
      const keys = [...truth.keys()];
      const data = await answers(ctx);
      if (!data) return fail(`keys ${keys.join(', ')} in ${where}`, `no ${where}`);
      const verdict = judgeHow(data, truth);
      return verdict.ok
        ? pass(`how ${keys.join(', ')} run here, all named`)
        : fail(`for each of ${keys.join(', ')}, one of ${HOW.join(', ')}: how it runs on this cluster`, verdict.found, [data]);
    },
  };
}

const controlPlaneCheck = howCheck(
  'control-plane',
  'How the control plane runs',
  'a kubelet shows each static pod it runs as a mirror pod in the API: kubectl -n kube-system get pods -o yaml, and look at each pod’s ownerReferences and annotations; a component with no pod at all runs outside Kubernetes',
  controlPlaneTruth,
);

const addonsCheck = howCheck(
  'addons',
  'How the addons run',
  'a pod made by a controller names it in metadata.ownerReferences; kubectl -n kube-system get deployments,daemonsets lists the controllers themselves, even one with no pods',
  addonTruth,
);

/** Reads each answer from the cluster as a learner at a shell would, then records them in one go. */
function recordAnswers(): string {
  const keys = [...CONTROL_PLANE, ...ADDONS].map((c) => `  --from-literal=${c}="$(how ${c})" \\`).join('\n');
  return `# a controller of that name, or the owner of a pod labelled component=<name> (a Node owns a mirror pod), or no pod at all
how() {
  if kubectl -n kube-system get deployment "$1" >/dev/null 2>&1; then echo deployment
  elif kubectl -n kube-system get daemonset "$1" >/dev/null 2>&1; then echo daemonset
  elif [ "$(kubectl -n kube-system get pods -l component="$1" -o jsonpath='{.items[0].metadata.ownerReferences[0].kind}')" = Node ]; then echo static-pod
  else echo process
  fi
}
kubectl create configmap ${ANSWERS.name} -n ${ANSWERS.namespace} \\
${keys}
  --dry-run=client -o yaml | kubectl apply -f -`;
}

export const inventory: Exercise = {
  id: 'inventory',
  title: 'Who runs what',
  task: `Find out how each of ${[...CONTROL_PLANE, ...ADDONS].join(', ')} runs on this cluster: from a static pod manifest that a kubelet reads (static-pod), as a DaemonSet, as a Deployment, or as a process outside Kubernetes (process). Record one of those four words per component in ConfigMap ${ANSWERS.name} (namespace ${ANSWERS.namespace}), under the component's name.`,
  checks: [controlPlaneCheck, addonsCheck],
  solution: () => [recordAnswers()],
  async reset(ctx) {
    await ctx.kubectl(['delete', 'configmap', ANSWERS.name, '-n', ANSWERS.namespace, '--ignore-not-found']);
  },
};
