import type { V1DaemonSet, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { pollUntil } from '../poll.ts';
import { clients, loadKubeConfig } from '../kube/client.ts';
import type { Progress } from '../progress.ts';
import { isReady } from './nodes.ts';
import type { ClusterAccess } from './provider.ts';

export interface Readiness {
  ready: boolean;
  /** What is still missing, for progress and for the timeout message. */
  waitingFor: string[];
}

const podReady = (pod: V1Pod) =>
  pod.status?.phase === 'Running' && (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

/**
 * The mark of a pod network parked on purpose: a kube-system DaemonSet (the cluster's CNI) whose
 * pods must run on nodes labelled so, which none is. A lab that teaches installing a CNI parks
 * the usual one this way, and the cluster counts as up without a pod network until it is back.
 */
export const PARKED_NETWORK = { key: 'kubelab.dev/pod-network', value: 'parked' } as const;

export const isParkedNetwork = (ds: V1DaemonSet) => ds.spec?.template.spec?.nodeSelector?.[PARKED_NETWORK.key] === PARKED_NETWORK.value;

/**
 * Pure: is a cluster ready, given what the API returned? Every named node Ready, every
 * kube-system workload complete. With the pod network parked, only what runs on the nodes' own
 * network counts: the control plane, kube-proxy, every node registered.
 */
export function readiness(
  nodeNames: string[],
  nodes: V1Node[],
  pods: V1Pod[],
  deployments: V1Deployment[],
  daemonSets: V1DaemonSet[],
): Readiness {
  const podNetwork = !daemonSets.some(isParkedNetwork);
  const waitingFor: string[] = [];
  for (const name of nodeNames) {
    const node = nodes.find((n) => n.metadata?.name === name);
    if (!node) waitingFor.push(`node ${name} registered`);
    else if (podNetwork && !isReady(node)) waitingFor.push(`node ${name} Ready`);
  }
  if (!podNetwork) {
    for (const pod of pods.filter((p) => p.spec?.hostNetwork)) if (!podReady(pod)) waitingFor.push(`pod ${pod.metadata?.name} Running`);
    return { ready: waitingFor.length === 0, waitingFor };
  }
  for (const d of deployments) {
    const want = d.spec?.replicas ?? 1;
    if ((d.status?.readyReplicas ?? 0) < want) waitingFor.push(`deployment ${d.metadata?.name} ${d.status?.readyReplicas ?? 0}/${want}`);
  }
  for (const ds of daemonSets) {
    const want = ds.status?.desiredNumberScheduled ?? 0;
    if (want === 0 || (ds.status?.numberReady ?? 0) < want)
      waitingFor.push(`daemonset ${ds.metadata?.name} ${ds.status?.numberReady ?? 0}/${want}`);
  }
  if (deployments.length === 0 && daemonSets.length === 0) waitingFor.push('kube-system add-ons');
  for (const pod of pods) if (!podReady(pod)) waitingFor.push(`pod ${pod.metadata?.name} Running`);
  return { ready: waitingFor.length === 0, waitingFor };
}

export async function waitForCluster(access: ClusterAccess, nodeNames: string[], deadline: number, progress: Progress): Promise<void> {
  const { core, apps } = clients(loadKubeConfig(access.kubeconfig, access.context));
  let nodesReady = false;
  await pollUntil<true>(
    async () => {
      const [nodes, pods, deployments, daemonSets] = await Promise.all([
        core.listNode(),
        core.listNamespacedPod({ namespace: 'kube-system' }),
        apps.listNamespacedDeployment({ namespace: 'kube-system' }),
        apps.listNamespacedDaemonSet({ namespace: 'kube-system' }),
      ]);
      const now = readiness(nodeNames, nodes.items, pods.items, deployments.items, daemonSets.items);
      if (!nodesReady && now.waitingFor.every((w) => !w.startsWith('node '))) {
        nodesReady = true;
        progress.mark?.(daemonSets.items.some(isParkedNetwork) ? 'every node registered (pod network parked)' : 'every node Ready');
      }
      if (now.ready) {
        progress.mark?.('kube-system workloads ready');
        return { value: true };
      }
      progress.update(`waiting for ${now.waitingFor.slice(0, 3).join(', ')}`);
      return { state: now.waitingFor.slice(0, 5).join(', ') };
    },
    {
      timeoutMs: Math.max(0, deadline - Date.now()),
      intervalMs: 200,
      describe: `cluster "${access.name}" to be ready`,
      fix: 'see kubelab status, and the logs it names',
    },
  );
}
