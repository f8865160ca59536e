// The learner's answers to the first exercise, as the checks read them: the latest ConfigMap,
// whichever way it was written (create, apply, edit, patch), values trimmed.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { type CheckContext, readObject } from '../../src/engine/sdk.ts';
import { ANSWERS } from './constants.ts';

export type Answer = { given: string } | { missing: string };

export async function answer(ctx: CheckContext, key: string): Promise<Answer> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', ANSWERS.name, ANSWERS.namespace);
  if (!cm) return { missing: `no ConfigMap ${ANSWERS.name} in namespace ${ANSWERS.namespace}` };
  const given = cm.data?.[key]?.trim();
  return given === undefined || given === '' ? { missing: `no key "${key}" in ConfigMap ${ANSWERS.namespace}/${ANSWERS.name}` } : { given };
}

/** A whole number as a person types it ("543", " 543 "); undefined for anything else. */
export function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
