// What the lab does to the cluster's network outside the exercise: take each node's pod network
// away (a cluster as kubeadm init leaves it, before any CNI), remove whatever flannel a learner
// installed, plant the echo pods, and give the usual CNI back when another lab follows.
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
import { ECHO, FLANNEL, NAMESPACE, POD_NETWORK } from './constants.ts';
import { runsFlanneld } from './judge.ts';
import { parkUsualCni, requireUsualCni, unparkUsualCni, usualCniTaken } from './usual-cni.ts';

const WAIT_MS = 180_000;

function nodesOf(ctx: LabContext) {
  if (!ctx.nodes) throw new UserError('this lab changes the nodes’ network, which only a cluster kubelab runs lets it reach');
  return ctx.nodes;
}

/**
 * On one node: no CNI configuration, no bridge or VXLAN device, no routes into the pod network,
 * no address leases or flannel state. containerd then reports the network not ready, and the
 * kubelet the node NotReady. (flannel's iptables chains and its plugin in /opt/cni/bin stay:
 * they do nothing without flanneld and a configuration that names them.)
 */
const TAKE_AWAY = [
  'rm -f /etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist /etc/cni/net.d/*.tmp',
  'for l in cni0 flannel.1; do ip link del "$l" 2>/dev/null || true; done',
  `ip -o route show root ${POD_NETWORK} | while read -r dst _; do ip route del "$dst" || true; done`,
  'rm -rf /run/flannel /var/lib/cni/networks /var/lib/cni/flannel',
].join('\n');

async function onEveryNode(ctx: LabContext, script: string): Promise<void> {
  for (const node of (await ctx.core.listNode()).items) await nodesOf(ctx).run(node.metadata!.name!, script);
}

/**
 * Pods on the pod network, deleted so that their controllers make new ones on whatever network
 * there is now: every one in kube-system and the lab's namespace, and elsewhere only those a
 * controller makes again (a learner's bare pod is not lost).
 */
async function restartPodNetworkPods(ctx: LabContext): Promise<void> {
  const pods = (await ctx.core.listPodForAllNamespaces()).items.filter(
    (p) =>
      !p.spec?.hostNetwork &&
      (['kube-system', NAMESPACE].includes(p.metadata?.namespace ?? '') || (p.metadata?.ownerReferences ?? []).some((o) => o.controller)),
  );
  // Forced: a sandbox whose network is gone cannot be torn down until one is back, and the
  // kubelet cleans up after the Pod object is gone.
  for (const pod of pods)
    await ignoreNotFound(
      ctx.core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, gracePeriodSeconds: 0 }),
    );
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

/** The lab's starting point: no CNI anywhere, every node NotReady. */
export async function takeNetworkAway(ctx: LabContext): Promise<void> {
  await removeFlannel(ctx);
  await parkUsualCni(ctx);
  await onEveryNode(ctx, TAKE_AWAY);
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

/** Whether this lab ran here: its echo pods exist, or it took the usual CNI. */
export async function labBegun(ctx: LabContext): Promise<boolean> {
  return (
    Boolean(await ignoreNotFound(ctx.apps.readNamespacedDaemonSet({ name: ECHO.name, namespace: ECHO.namespace }))) || usualCniTaken(ctx)
  );
}

/** One agnhost per node, on the pod network, as the lab wrote it (applied again, it undoes a learner's changes). */
export async function plantEcho(ctx: LabContext): Promise<void> {
  const labels = { [ECHO.label]: ECHO.name };
  await ctx.apply(namespaceManifests(NAMESPACE));
  const tolerate = (key: string) => ({ key, operator: 'Exists', effect: 'NoSchedule' });
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
            hostNetwork: false,
            // On the control plane too, so that traffic is tried between every node; and on
            // nodes not Ready, so that the pods wait in ContainerCreating for a network, where
            // their events say why, rather than not being made at all.
            tolerations: [tolerate('node-role.kubernetes.io/control-plane'), tolerate('node.kubernetes.io/not-ready')],
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

/**
 * Back to the cluster's usual CNI, for the lab that comes next; nothing at all on a cluster
 * where this lab never ran.
 */
export async function giveNetworkBack(ctx: LabContext): Promise<void> {
  if (!(await labBegun(ctx))) return;
  await requireUsualCni(ctx);
  await ignoreNotFound(ctx.apps.deleteNamespacedDaemonSet({ name: ECHO.name, namespace: ECHO.namespace }));
  await removeFlannel(ctx);
  // Parked first even if a learner let it run again: its pods then start afresh after the wipe.
  await parkUsualCni(ctx);
  await onEveryNode(ctx, TAKE_AWAY);
  await unparkUsualCni(ctx);
  await ctx.kubectl(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${WAIT_MS / 1000}s`]);
  await ctx.kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  await restartPodNetworkPods(ctx);
}
