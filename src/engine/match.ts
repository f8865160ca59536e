/**
 * Partial object matching, as KUTTL and Chainsaw assert: every field of `expected`
 * must be present in `actual` with an equal value; fields `expected` leaves out are
 * ignored. A list matches when each expected element matches a different actual
 * element, in any order (so a check can ask for one subject among many).
 */
export interface Mismatch {
  path: string;
  expected: unknown;
  found: unknown;
}

export function matchObject(actual: unknown, expected: unknown, path = ''): Mismatch | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path: path || '.', expected: 'a list', found: actual };
    const used = new Set<number>();
    for (const [i, want] of expected.entries()) {
      const at = actual.findIndex((have, j) => !used.has(j) && matchObject(have, want) === undefined);
      if (at < 0) return { path: `${path}[${i}]`, expected: want, found: actual };
      used.add(at);
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return { path: path || '.', expected, found: actual };
    for (const [key, want] of Object.entries(expected)) {
      const mismatch = matchObject((actual as Record<string, unknown>)[key], want, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(actual, expected) || (String(actual) === String(expected) && typeof actual === typeof expected)
    ? undefined
    : { path: path || '.', expected, found: actual };
}

export function describeMismatch(m: Mismatch): string {
  return `${m.path}: expected ${JSON.stringify(m.expected)}, found ${JSON.stringify(m.found) ?? 'nothing'}`;
}
