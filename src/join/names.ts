import type { NodeShape } from '../cluster/shape.ts';

/** The first kub<N> no node of the cluster has: the name a joining node gets unless told otherwise. */
export function nextNodeName(nodes: NodeShape[]): string {
  let n = 1;
  while (nodes.some((node) => node.name === `kub${n}`)) n++;
  return `kub${n}`;
}
