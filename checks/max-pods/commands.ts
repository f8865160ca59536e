// Shell commands of the reference solutions, written as a learner would type them.

/** A value as one shell word: as is when nothing in it is special to the shell, else in single quotes. */
export const shellWord = (value: string) => (/^[\w./:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/**
 * Sets maxPods in a kubelet configuration file, whether or not it has the line yet, keeping a
 * copy (.bak). Double quotes only, so that it nests in `sh -c '…'` unchanged; `sed -i.bak`
 * works with both GNU and BSD sed.
 */
export function setMaxPodsCommand(file: string, maxPods: number): string {
  return (
    `f="${file}"; if grep -q "^maxPods:" "$f"; then sed -i.bak "s/^maxPods:.*/maxPods: ${maxPods}/" "$f"; ` +
    `else echo "maxPods: ${maxPods}" >> "$f"; fi`
  );
}
