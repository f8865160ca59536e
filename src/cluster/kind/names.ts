import { UserError } from '../../errors.ts';
import type { ClusterShape } from '../shape.ts';

/**
 * kind names each node's container after the cluster and the node's role, counting per role
 * in config order: <cluster>-control-plane, <cluster>-worker, <cluster>-worker2, …
 * kubelab writes the config in the shape's order, so the shape fixes the mapping.
 */
export function containerNames(shape: ClusterShape): Map<string, string> {
  const seen = new Map<string, number>();
  const names = new Map<string, string>();
  for (const node of shape.nodes) {
    const count = (seen.get(node.role) ?? 0) + 1;
    seen.set(node.role, count);
    names.set(node.name, `${shape.name}-${node.role}${count === 1 ? '' : count}`);
  }
  return names;
}

/**
 * The container that runs a node: as recorded at create and join (a joined node's container
 * is named by kubelab), else as kind names the shape's nodes.
 */
export function containerOf(shape: ClusterShape, node: string, recorded: Record<string, string> = {}): string {
  const container = recorded[node] ?? containerNames(shape).get(node);
  if (!container || !shape.nodes.some((n) => n.name === node)) {
    throw new UserError(`cluster "${shape.name}" has no node "${node}"`, {
      fix: `its nodes are ${shape.nodes.map((n) => n.name).join(', ')}`,
    });
  }
  return container;
}
