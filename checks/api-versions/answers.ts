// How the discovery answers are read and judged, as pure functions of what the learner wrote and
// what the cluster serves. Each verdict names what to look at next, never the answer itself.
import { wordsOf } from '../../src/engine/sdk.ts';

export type Verdict = { ok: true } | { ok: false; found: string };

const plural = (kind: string) => `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;

/** The value recorded for a kind, under its kind or resource name in any case ("Ingress", "ingresses"). */
export function answerForKind(data: Record<string, string> | undefined, kind: string): string | undefined {
  const names = [kind.toLowerCase(), plural(kind)];
  const key = Object.keys(data ?? {}).find((k) => names.includes(k.trim().toLowerCase()));
  return key === undefined ? undefined : data![key]!.trim();
}

/** The notes' group/versions the cluster no longer serves. */
export function retiredOf(notes: string[], served: Set<string>): string[] {
  return notes.filter((v) => !served.has(v)).sort();
}

/** Judges the list of retired group/versions; on a miss says how many, and why each wrong word is wrong. */
export function judgeRetired(answer: string | undefined, notes: string[], served: Set<string>): Verdict {
  const expected = retiredOf(notes, served);
  const given = wordsOf(answer);
  const missing = expected.filter((v) => !given.includes(v));
  const wrong = given.filter((v) => !expected.includes(v));
  if (!missing.length && !wrong.length) return { ok: true };
  const why = (v: string) => (served.has(v) ? `${v} is still served` : `${v} is not in the notes’ list`);
  const parts = [
    ...(wrong.length ? [`${wrong.slice(0, 3).map(why).join('; ')}${wrong.length > 3 ? ` (and ${wrong.length - 3} more)` : ''}`] : []),
    ...(missing.length
      ? [`${missing.length} of the notes’ versions that are gone ${missing.length === 1 ? 'is' : 'are'} not in your answer`]
      : []),
  ];
  return { ok: false, found: parts.join('; ') };
}

/** The fields `kubectl explain deployment.spec` marks required, as a person might write them. */
export function fieldsOf(answer: string | undefined): string[] {
  return [...new Set(wordsOf(answer).map((w) => w.toLowerCase().replace(/^(deployment\.)?spec\./, '')))].sort();
}

export function judgeRequired(answer: string | undefined, required: string[]): Verdict {
  const given = fieldsOf(answer);
  const wrong = given.filter((f) => !required.includes(f));
  const missing = required.filter((f) => !given.includes(f));
  if (!wrong.length && !missing.length) return { ok: true };
  const parts = [
    ...(wrong.length ? [`${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not marked required`] : []),
    ...(missing.length ? [`${missing.length} required field${missing.length === 1 ? ' is' : 's are'} missing`] : []),
  ];
  return { ok: false, found: parts.join('; ') };
}
