// YAML that labs apply the same way: here once, so that each lab's manifests say only what is
// particular to it.

/** Namespace objects, one YAML document each: for ctx.apply, or at the head of a lab's manifests. */
export function namespaceManifests(...names: string[]): string {
  return names.map((name) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`).join('---\n');
}
