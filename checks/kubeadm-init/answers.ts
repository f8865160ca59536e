// The learner's answers: a ConfigMap per exercise in the lab's namespace, read by the checks
// with their read-only identity, written by the reference solutions.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { readObject, wordsOf, type CheckContext, type LabContext } from '../../src/engine/sdk.ts';
import { NAMESPACE } from './constants.ts';
import { canonicalIp } from './x509.ts';

export async function answers(ctx: CheckContext, name: string): Promise<Record<string, string> | undefined> {
  return (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', name, NAMESPACE))?.data ?? undefined;
}

export async function putAnswers(ctx: LabContext, name: string, data: Record<string, string>): Promise<void> {
  await ctx.apply(stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data }));
}

export async function deleteAnswers(ctx: LabContext, name: string): Promise<void> {
  await ctx.kubectl(['delete', 'configmap', name, '-n', NAMESPACE, '--ignore-not-found']);
}

/** The addresses of an answer, in the form the checks compare: copied from openssl (FD00:0:0:0:0:0:0:1) or typed (fd00::1). */
export function answeredIps(text: string | undefined): string[] {
  return [...new Set(wordsOf(text).map((word) => canonicalIp(word) ?? word))].sort();
}

/** Whether two sorted lists hold the same entries. */
export const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** How the learner is told to record an answer. */
export const recordHint = (name: string, pairs: string) => `kubectl create configmap ${name} -n ${NAMESPACE} ${pairs}`;
