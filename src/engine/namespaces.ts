// Removing a lab's own namespace at teardown. A namespace goes only once every pod in it is gone,
// and a pod on a real node is gone only when its kubelet says so: a busy or restarted kubelet can
// leave pods Terminating long after their grace period, and the next lab would wait on them.
import type { V1Pod } from '@kubernetes/client-node';
import { pollUntil } from '../poll.ts';
import { ignoreNotFound } from './helpers.ts';
import type { LabContext } from './model.ts';

export interface RemoveNamespaceOptions {
  /** How long the kubelets get to stop the pods in the usual way before they are deleted by force. */
  patienceMs?: number;
  timeoutMs?: number;
}

function terminating(pods: V1Pod[]): string {
  const perNode = new Map<string, number>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? 'no node';
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  return [...perNode].map(([node, count]) => `${count} on ${node}`).join(', ');
}

/** Deletes the namespace and waits until it is gone; pods still there after `patienceMs` are deleted by force. */
export async function removeNamespace(ctx: LabContext, name: string, options: RemoveNamespaceOptions = {}): Promise<void> {
  const { patienceMs = 120_000, timeoutMs = 300_000 } = options;
  await ctx.kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
  const forceAfter = Date.now() + patienceMs;
  let forced = false;
  await pollUntil(
    async () => {
      if (!(await ignoreNotFound(ctx.core.readNamespace({ name })))) return { value: true };
      const pods = (await ctx.core.listNamespacedPod({ namespace: name })).items;
      if (!forced && pods.length > 0 && Date.now() > forceAfter) {
        // What `kubectl delete --force` is for: the kubelets stop the containers when they next look.
        // Once is enough: a terminating namespace takes no new pods.
        await ctx.kubectl(['delete', 'pods', '--all', '-n', name, '--grace-period=0', '--force', '--wait=false']);
        forced = true;
      }
      return {
        state: pods.length ? `pods left: ${terminating(pods)}${forced ? ' (deleted by force)' : ''}` : 'namespace still terminating',
      };
    },
    { timeoutMs, intervalMs: 1000, describe: `namespace ${name} to be deleted` },
  );
}
