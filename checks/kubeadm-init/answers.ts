// The learner's answers: a ConfigMap per exercise in the lab's namespace, read by the checks
// with their read-only identity. A check reads whatever the ConfigMap holds now, so an answer
// is corrected by overwriting it.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { readObject, type CheckContext, type LabContext } from '../../src/engine/sdk.ts';
import { NAMESPACE } from './constants.ts';

export async function answers(ctx: CheckContext, name: string): Promise<Record<string, string> | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', name, NAMESPACE);
  return cm ? (cm.data ?? {}) : undefined;
}

export async function deleteAnswers(ctx: LabContext, name: string): Promise<void> {
  await ctx.kubectl(['delete', 'configmap', name, '-n', NAMESPACE, '--ignore-not-found']);
}

/** The command that records (or overwrites) an answer: create's output applied, so a second run replaces the first. */
export function recordCommand(name: string, sources: string): string {
  return `kubectl create configmap ${name} -n ${NAMESPACE} ${sources} --dry-run=client -o yaml | kubectl apply -f -`;
}

/** What a check says when the answer ConfigMap is missing. */
export const noAnswers = (name: string) => `no ConfigMap ${NAMESPACE}/${name} yet`;
