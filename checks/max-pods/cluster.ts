// What the max-pods lab reads and changes on the cluster: the workers' pod slots as they are
// now, the scale that fits the cluster's kubelets, and the configuration each kubelet runs with.
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import {
  type CheckContext,
  kubeletConfigz,
  type LabContext,
  type NodeOperations,
  type NodeShell,
  UserError,
} from '../../src/engine/sdk.ts';
import { type Capacity, capacityOf, isWorker, type Scale, scaleFor } from './arithmetic.ts';

export async function liveCapacity(core: CoreV1Api): Promise<Capacity> {
  const [nodes, pods] = await Promise.all([core.listNode(), core.listPodForAllNamespaces()]);
  return capacityOf(nodes.items, pods.items);
}

export async function scaleOf(ctx: { core: CoreV1Api }): Promise<Scale> {
  return scaleFor((await ctx.core.listNode()).items);
}

/** The worker Nodes, by name. */
export async function workerNodes(core: CoreV1Api): Promise<V1Node[]> {
  return (await core.listNode()).items.filter(isWorker).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** maxPods of the configuration the node's kubelet runs with (not what its Node status says), or undefined when unreadable. */
export async function runningMaxPods(ctx: CheckContext, node: V1Node): Promise<number | undefined> {
  const maxPods = (await kubeletConfigz(ctx, node))?.maxPods;
  return typeof maxPods === 'number' ? maxPods : undefined;
}

const ONLY_KUBELAB = 'this lab changes the kubelets’ configuration, which kubelab can reach only on clusters it created';
const FIX = 'run it on a kubelab cluster: kubelab start max-pods';

/** Changing a kubelet's configuration happens on its machine, so only the provider that runs the nodes can do it. */
export function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes) throw new UserError(ONLY_KUBELAB, { fix: FIX });
  return ctx.nodes;
}

/** How a learner's shell reaches the node, for the reference solution's commands. */
export function requireShell(ctx: { node?(name: string): NodeShell }, node: string): NodeShell {
  if (!ctx.node) throw new UserError(ONLY_KUBELAB, { fix: FIX });
  return ctx.node(node);
}
