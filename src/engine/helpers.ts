// Helpers for the common checks. Each takes the read-only check context.
import type { CoreV1Event, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { statusOf } from '../kube/client.ts';
import type { CheckContext } from './model.ts';

/**
 * What an API call returns, or undefined when its object is not there (404). Every other
 * failure (403, 500, no connection) is thrown: a lab must not take it for "not there".
 */
export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** An object, or undefined when it does not exist. */
export async function readObject<T extends KubernetesObject>(
  ctx: CheckContext,
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  return (await ignoreNotFound(ctx.objects.read({ apiVersion, kind, metadata: { name, namespace } }))) as T | undefined;
}

/** The manifest kubectl last applied, from the kubectl.kubernetes.io/last-applied-configuration annotation. */
export function lastApplied(object: KubernetesObject | undefined): Record<string, unknown> | undefined {
  const text = object?.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Events with a given reason (e.g. FailedScheduling) in a namespace, newest first. */
export async function eventsWithReason(ctx: CheckContext, namespace: string, reason: string): Promise<CoreV1Event[]> {
  const events = await ctx.core.listNamespacedEvent({ namespace, fieldSelector: `reason=${reason}` });
  const time = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
  return events.items.sort((a, b) => time(b) - time(a));
}

/** How many pods each node holds (all namespaces), the way the scheduler counts them against allocatable pods. */
export async function podsPerNode(ctx: CheckContext): Promise<Map<string, V1Pod[]>> {
  const pods = (await ctx.core.listPodForAllNamespaces()).items;
  const byNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

export function isDaemonSetPod(pod: V1Pod): boolean {
  return pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') ?? false;
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The distinct words of a learner's answer, split at spaces and commas, sorted: "b, a a" gives [a, b]. */
export function wordsOf(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,]+/).filter(Boolean))].sort();
}
