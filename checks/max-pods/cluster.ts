// What the max-pods lab reads and changes on the cluster: the workers' pod slots as they are
// now, the scale that fits the cluster's kubelets, and each kubelet's max pods.
import type { CoreV1Api } from '@kubernetes/client-node';
import { UserError, type LabContext, type NodeOperations } from '../../src/engine/sdk.ts';
import { capacityOf, scaleFor, type Capacity, type Scale } from './arithmetic.ts';

export async function liveCapacity(core: CoreV1Api): Promise<Capacity> {
  const [nodes, pods] = await Promise.all([core.listNode(), core.listPodForAllNamespaces()]);
  return capacityOf(nodes.items, pods.items);
}

export async function scaleOf(ctx: { core: CoreV1Api }): Promise<Scale> {
  return scaleFor((await ctx.core.listNode()).items);
}

/** Changing a kubelet's max pods happens on its machine, so only the provider that runs the nodes can do it. */
export function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes)
    throw new UserError('this lab changes the kubelet’s max pods, which kubelab can do only on clusters it created', {
      fix: 'run it on a kubelab cluster: kubelab start max-pods',
    });
  return ctx.nodes;
}
