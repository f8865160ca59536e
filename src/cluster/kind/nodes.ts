// Operations on the kubelets of a kind cluster's nodes, through `docker exec` into their containers.
import type { V1Node } from '@kubernetes/client-node';
import { pollUntil } from '../../poll.ts';
import { clients, loadKubeConfig, statusOf } from '../../kube/client.ts';
import { isReady } from '../nodes.ts';
import type { ClusterAccess } from '../provider.ts';
import { execIn } from './docker.ts';
import { KUBELET_CONFIG, withMaxPodsConfig } from './kubelet.ts';

/** A Kubernetes node and the container kind runs it in. */
export interface NodeTarget {
  access: ClusterAccess;
  node: string;
  container: string;
}

async function writeFileIn(container: string, file: string, content: string): Promise<void> {
  await execIn(container, ['sh', '-c', 'cat > "$1"', 'sh', file], `writing ${file} in ${container}`, content);
}

export async function restartKubelet(target: NodeTarget): Promise<void> {
  await execIn(target.container, ['systemctl', 'restart', 'kubelet'], `restarting the kubelet of ${target.node}`);
}

/** Polls the Node until `done` holds; a missing Node counts as not done. */
export async function waitForNode(target: NodeTarget, done: (n: V1Node) => boolean, what: string, timeoutMs: number): Promise<V1Node> {
  const { access, node, container } = target;
  const { core } = clients(loadKubeConfig(access.kubeconfig, access.context));
  return pollUntil<V1Node>(
    async () => {
      try {
        const found = await core.readNode({ name: node });
        if (done(found)) return { value: found };
        return { state: `allocatable pods ${found.status?.allocatable?.pods ?? '?'}, ${isReady(found) ? 'Ready' : 'not Ready'}` };
      } catch (error) {
        if (statusOf(error) === 404) return { state: 'not registered' };
        throw error;
      }
    },
    { timeoutMs, describe: what, fix: `see the kubelet's log: docker exec ${container} journalctl -u kubelet` },
  );
}

/**
 * Sets the kubelet's max pods as an administrator of a kubeadm node would, in the kubelet's own
 * configuration file, then restarts the kubelet and waits until the Node reports it.
 */
export async function setKubeletMaxPods(target: NodeTarget, maxPods: number, timeoutMs: number): Promise<void> {
  const { container, node } = target;
  const config = await execIn(container, ['cat', KUBELET_CONFIG], `reading ${KUBELET_CONFIG} of ${node}`);
  await writeFileIn(container, KUBELET_CONFIG, withMaxPodsConfig(config, maxPods));
  await restartKubelet(target);
  await waitForNode(target, (n) => isReady(n) && Number(n.status?.allocatable?.pods) === maxPods, `node ${node} to report ${maxPods} allocatable pods`, timeoutMs);
}

/** Runs kubeadm in a node's container (kind's nodes carry the image's kubeadm and /kind/kubeadm.conf). */
export async function kubeadmIn(container: string, args: string[]): Promise<string> {
  return execIn(container, ['kubeadm', ...args], `kubeadm ${args.join(' ')}`);
}
