// The lab's nodes: the worker to drain, the other workers, and what only the provider can do to them.
import type { V1Node } from '@kubernetes/client-node';
import { ignoreNotFound, rolesOf, UserError, type CheckContext, type LabContext, type NodeOperations } from '../../src/engine/sdk.ts';
import { NODE } from './constants.ts';

/** Bringing a deleted node back happens on its machine, so only the provider that runs the nodes can do it. */
export function requireNodes(ctx: LabContext): NodeOperations {
  if (!ctx.nodes)
    throw new UserError('this lab brings a deleted node back, which kubelab can do only on clusters it created', {
      fix: 'run it on a kubelab cluster: kubelab start drain',
    });
  return ctx.nodes;
}

export async function readNode(ctx: Pick<CheckContext, 'core'>, name: string = NODE): Promise<V1Node | undefined> {
  return ignoreNotFound(ctx.core.readNode({ name }));
}

async function workers(ctx: LabContext): Promise<V1Node[]> {
  return (await ctx.core.listNode()).items.filter((n) => !rolesOf(n).includes('control-plane'));
}

/** The workers other than the one to drain that take pods now. */
export async function otherSchedulableWorkers(ctx: LabContext): Promise<string[]> {
  return (await workers(ctx)).filter((n) => !n.spec?.unschedulable && n.metadata?.name !== NODE).map((n) => n.metadata!.name!);
}

/**
 * The node registered (rebuilt when it was deleted) and every worker schedulable: a setup cut
 * short while it kept the other workers cordoned must not leave them so.
 */
export async function restoreNodes(ctx: LabContext): Promise<void> {
  if (!(await readNode(ctx))) await requireNodes(ctx).rebuild(NODE);
  const cordoned = (await workers(ctx)).filter((n) => n.spec?.unschedulable).map((n) => n.metadata!.name!);
  if (cordoned.length) await ctx.kubectl(['uncordon', ...cordoned]);
}
