// Exercise 2: run a node agent of your own the way kube-proxy runs: a DaemonSet in kube-system
// with a pod on every node, the tainted control plane included, at the priority kubeadm gives
// what a node cannot do without.
import type { V1DaemonSet, V1PriorityClass } from '@kubernetes/client-node';
import { fail, isPodReady, pass, readObject, WORKLOAD_IMAGE, type Check, type CheckContext, type Exercise } from '../../src/engine/sdk.ts';
import { AGENT } from './constants.ts';
import { blockingTaints } from './judge.ts';

const ds = `DaemonSet ${AGENT.namespace}/${AGENT.name}`;

async function agentPods(ctx: CheckContext) {
  const pods = (await ctx.core.listNamespacedPod({ namespace: AGENT.namespace })).items;
  return pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === AGENT.name));
}

const everywhere: Check = {
  id: 'on-every-node',
  title: 'A ready node-agent pod on every node',
  points: 2,
  hint: 'kubectl describe node kub1 shows its taints; a DaemonSet reaches a tainted node only if its pod template tolerates the taint (see how kube-proxy’s does: kubectl -n kube-system get daemonset kube-proxy -o yaml)',
  timeoutMs: 5_000,
  async run(ctx) {
    const agent = await readObject<V1DaemonSet>(ctx, 'apps/v1', 'DaemonSet', AGENT.name, AGENT.namespace);
    if (!agent) return fail(`${ds} with a ready pod on every node`, `no ${ds}`);
    const nodes = (await ctx.core.listNode()).items;
    const pods = await agentPods(ctx);
    const tolerations = agent.spec?.template?.spec?.tolerations;
    const missing = nodes.flatMap((node) => {
      const name = node.metadata!.name!;
      const pod = pods.find((p) => p.spec?.nodeName === name);
      if (pod && isPodReady(pod)) return [];
      const taints = blockingTaints(node.spec?.taints, tolerations);
      if (!pod && taints.length) return [`${name}: taint ${taints.join(', ')} keeps its pod off`];
      return [`${name}: ${pod ? `pod ${pod.metadata?.name} is ${pod.status?.phase ?? 'not'} and not ready` : 'no pod yet'}`];
    });
    return missing.length
      ? fail(`a ready ${AGENT.name} pod on each of ${nodes.length} nodes`, missing.join('; '), [agent.status])
      : pass(`${AGENT.name} runs a ready pod on all ${nodes.length} nodes`);
  },
};

const critical: Check = {
  id: 'node-critical',
  title: 'Its pods run at the priority of kube-proxy’s',
  points: 1,
  hint: 'kubectl get priorityclasses lists the classes; a kube-proxy pod’s spec.priorityClassName shows which one kubeadm gives an agent a node cannot do without',
  async run(ctx) {
    const agent = await readObject<V1DaemonSet>(ctx, 'apps/v1', 'DaemonSet', AGENT.name, AGENT.namespace);
    if (!agent) return fail(`${ds} whose pods run at kube-proxy’s priority`, `no ${ds}`);
    const asked = agent.spec?.template?.spec?.priorityClassName;
    if (asked !== AGENT.priorityClass)
      return fail(
        'the pod template’s priorityClassName the same as kube-proxy’s',
        asked ? `priorityClassName ${asked}` : 'no priorityClassName',
      );
    const cls = await readObject<V1PriorityClass>(ctx, 'scheduling.k8s.io/v1', 'PriorityClass', AGENT.priorityClass);
    const pods = await agentPods(ctx);
    const off = pods.filter((p) => p.spec?.priority !== cls?.value);
    return pods.length && !off.length
      ? pass(`${pods.length} pods at ${AGENT.priorityClass}, priority ${cls?.value}, as kube-proxy’s`)
      : fail(
          `every ${AGENT.name} pod at its class’s priority`,
          pods.length ? `${off.length} pods made before the change run at another priority` : 'no pods yet',
        );
  },
};

const MANIFEST = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${AGENT.name}
  namespace: ${AGENT.namespace}
spec:
  selector:
    matchLabels:
      app: ${AGENT.name}
  template:
    metadata:
      labels:
        app: ${AGENT.name}
    spec:
      priorityClassName: ${AGENT.priorityClass}
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: agent
        image: ${WORKLOAD_IMAGE}
        imagePullPolicy: IfNotPresent
        args: [pause]`;

export const nodeAgent: Exercise = {
  id: 'node-agent',
  title: 'A node agent of your own',
  task: `Run DaemonSet ${AGENT.name} in namespace ${AGENT.namespace}, with one ready pod on every node, the control plane kub1 included, at the same priority as kube-proxy’s pods. Its container: image ${WORKLOAD_IMAGE}, which every node already holds, with the argument pause.`,
  checks: [everywhere, critical],
  solution: () => [
    `kubectl apply -f - <<'EOF'\n${MANIFEST}\nEOF`,
    `kubectl -n ${AGENT.namespace} rollout status daemonset/${AGENT.name} --timeout=90s`,
  ],
  async reset(ctx) {
    await ctx.kubectl(['delete', 'daemonset', AGENT.name, '-n', AGENT.namespace, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  },
};
