// What the lab does to the cluster's network outside the exercise: park the usual CNI and take
// each node's pod network away (a cluster as kubeadm init leaves it, before any CNI), remove
// whatever flannel a learner installed, and give the usual CNI back when another lab follows.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  ignoreNotFound,
  isReady,
  namespaceManifests,
  pollUntil,
  UserError,
  WORKLOAD_IMAGE,
  type LabContext,
} from '../../src/engine/sdk.ts';
import { ECHO, FLANNEL, NAMESPACE, POD_NETWORK, USUAL_CNI } from './constants.ts';
import { runsFlanneld } from './judge.ts';

const WAIT_MS = 180_000;

function nodesOf(ctx: LabContext) {
  if (!ctx.nodes) throw new UserError('this lab changes the nodes’ network, which only a cluster kubelab runs lets it reach');
  return ctx.nodes;
}

async function nodeNames(ctx: LabContext): Promise<string[]> {
  return (await ctx.core.listNode()).items.map((n) => n.metadata?.name ?? '').filter(Boolean);
}

/**
 * On one node: no CNI configuration, no bridge or VXLAN device, no routes into the pod network,
 * no address leases or flannel state. containerd then reports the network not ready, and the
 * kubelet the node NotReady.
 */
const TAKE_AWAY = [
  'rm -f /etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist /etc/cni/net.d/*.tmp',
  'for l in cni0 flannel.1; do ip link del "$l" 2>/dev/null || true; done',
  `ip -o route show root ${POD_NETWORK} | while read -r dst _; do ip route del "$dst" || true; done`,
  'rm -rf /run/flannel /var/lib/cni/networks /var/lib/cni/flannel',
].join('\n');

/** Pods on the pod network in kube-system and the lab's namespace, deleted at once: their controllers make new ones on whatever network there is now. */
async function restartPodNetworkPods(ctx: LabContext): Promise<void> {
  for (const namespace of ['kube-system', NAMESPACE]) {
    const pods = (await ctx.core.listNamespacedPod({ namespace })).items.filter((p) => !p.spec?.hostNetwork);
    // Forced: a sandbox whose network is gone cannot be torn down until one is back, and the
    // kubelet cleans up after the Pod object is gone.
    for (const pod of pods)
      await ignoreNotFound(ctx.core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace, gracePeriodSeconds: 0 }));
  }
}

async function setNodeSelector(ctx: LabContext, selector: Record<string, string> | null): Promise<void> {
  const patch = { spec: { template: { spec: { nodeSelector: selector } } } };
  await ctx.kubectl(['-n', USUAL_CNI.namespace, 'patch', 'daemonset', USUAL_CNI.name, '--type', 'merge', '-p', JSON.stringify(patch)]);
}

async function waitForPods(
  ctx: LabContext,
  namespace: string,
  selector: string,
  done: (count: number) => boolean,
  what: string,
): Promise<void> {
  await pollUntil(
    async () => {
      const count = (await ctx.core.listNamespacedPod({ namespace, labelSelector: selector })).items.length;
      return done(count) ? { value: true } : { state: `${count} pods` };
    },
    { timeoutMs: WAIT_MS, describe: what },
  );
}

/** The usual CNI stops on every node, its DaemonSet kept for later. */
async function parkUsualCni(ctx: LabContext): Promise<void> {
  const ds = await ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: USUAL_CNI.name, namespace: USUAL_CNI.namespace }));
  if (!ds) return;
  await setNodeSelector(ctx, USUAL_CNI.parkedBy);
  await waitForPods(ctx, USUAL_CNI.namespace, `app=${USUAL_CNI.name}`, (n) => n === 0, `${USUAL_CNI.name} pods gone`);
}

/** Every DaemonSet running flanneld, in any namespace, and upstream's namespace and RBAC; then flannel's marks on the Nodes. */
async function removeFlannel(ctx: LabContext): Promise<void> {
  const sets = (await ctx.apps.listDaemonSetForAllNamespaces()).items.filter((ds: V1DaemonSet) =>
    runsFlanneld({ spec: ds.spec?.template.spec }),
  );
  for (const ds of sets)
    await ignoreNotFound(
      ctx.apps.deleteNamespacedDaemonSet({ name: ds.metadata!.name!, namespace: ds.metadata!.namespace!, propagationPolicy: 'Foreground' }),
    );
  await ctx.kubectl(['delete', 'namespace', 'kube-flannel', '--ignore-not-found', '--wait=true', `--timeout=${WAIT_MS / 1000}s`]);
  await ctx.kubectl(['delete', 'clusterrolebinding,clusterrole', 'flannel', '--ignore-not-found']);
  await pollUntil(
    async () => {
      const left = (await ctx.core.listPodForAllNamespaces()).items.filter(runsFlanneld).length;
      return left === 0 ? { value: true } : { state: `${left} flannel pods` };
    },
    { timeoutMs: WAIT_MS, describe: 'flannel pods gone' },
  );
  for (const node of (await ctx.core.listNode()).items) {
    const marks = Object.keys(node.metadata?.annotations ?? {}).filter((k) => k.startsWith(FLANNEL.annotationPrefix));
    if (marks.length) await ctx.kubectl(['annotate', 'node', node.metadata!.name!, ...marks.map((k) => `${k}-`)]);
  }
}

/** The lab's starting point: no CNI anywhere, the echo pods waiting for one. */
export async function takeNetworkAway(ctx: LabContext): Promise<void> {
  await removeFlannel(ctx);
  await parkUsualCni(ctx);
  for (const node of await nodeNames(ctx)) await nodesOf(ctx).run(node, TAKE_AWAY);
  await restartPodNetworkPods(ctx);
  // The kubelet reports the missing network some seconds later: the lab starts once it has.
  await pollUntil(
    async () => {
      const ready = (await ctx.core.listNode()).items.filter(isReady).map((n) => n.metadata?.name);
      return ready.length === 0 ? { value: true } : { state: `${ready.join(', ')} still Ready` };
    },
    { timeoutMs: WAIT_MS, describe: 'every node NotReady without a pod network' },
  );
}

/** One agnhost per node, on the pod network: made if missing. */
export async function plantEcho(ctx: LabContext): Promise<void> {
  const labels = { [ECHO.label]: ECHO.name };
  await ctx.apply(namespaceManifests(NAMESPACE));
  await ctx.apply(
    stringify({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: ECHO.name, namespace: ECHO.namespace },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // Said outright, so that applying this again undoes a learner's hostNetwork: true.
            hostNetwork: false,
            // On the control plane too: traffic is tried between every node.
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'echo',
                image: WORKLOAD_IMAGE,
                args: ['netexec', `--http-port=${ECHO.port}`],
                ports: [{ containerPort: ECHO.port, name: 'http' }],
              },
            ],
          },
        },
      },
    }),
  );
}

/** Whether this lab ran here: its echo pods exist, or the usual CNI is parked. */
async function labBegun(ctx: LabContext): Promise<boolean> {
  if (await ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: ECHO.name, namespace: ECHO.namespace }))) return true;
  const usual = await ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: USUAL_CNI.name, namespace: USUAL_CNI.namespace }));
  const selector = usual?.spec?.template.spec?.nodeSelector ?? {};
  return Object.entries(USUAL_CNI.parkedBy).every(([k, v]) => selector[k] === v);
}

/**
 * Back to the cluster's usual CNI, for the lab that comes next; nothing at all on a cluster
 * where this lab never ran. The usual CNI's pods start afresh, so they write each node's
 * configuration and routes again whatever was there before.
 */
export async function giveNetworkBack(ctx: LabContext): Promise<void> {
  if (!(await labBegun(ctx))) return;
  await removeFlannel(ctx);
  await parkUsualCni(ctx);
  for (const node of await nodeNames(ctx)) await nodesOf(ctx).run(node, TAKE_AWAY);
  if (await ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: USUAL_CNI.name, namespace: USUAL_CNI.namespace }))) {
    await setNodeSelector(ctx, null);
    await ctx.kubectl(['-n', USUAL_CNI.namespace, 'rollout', 'status', 'daemonset', USUAL_CNI.name, `--timeout=${WAIT_MS / 1000}s`]);
  }
  await ctx.kubectl(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${WAIT_MS / 1000}s`]);
  await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  await restartPodNetworkPods(ctx);
}
