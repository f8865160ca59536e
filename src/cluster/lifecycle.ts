// Bringing a cluster up, reshaping it for a lab and changing a node's max pods: the same steps
// for every provider, made of the provider's infrastructure operations.
import { UserError } from '../errors.ts';
import { clients, loadKubeConfig } from '../kube/client.ts';
import type { Progress } from '../progress.ts';
import { withMaxPodsConfig } from './kubelet-config.ts';
import type { ClusterAccess, NodeCapability, Provider } from './provider.ts';
import { checkMaxPods, validateShape, type ClusterShape } from './shape.ts';
import { waitForCluster } from './wait.ts';

/** How long a cluster may take to be ready once its components run (not counting builds before that). */
export const READY_TIMEOUT_MS = 300_000;

const nodeList = (shape: ClusterShape) => shape.nodes.map((n) => `${n.name}(${n.maxPods})`).join(', ');

export function requireShape(provider: Provider, name: string): ClusterShape {
  const shape = provider.shapeOf(name);
  if (!shape) throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  return shape;
}

/**
 * Creates the cluster, or starts it when it exists in the same shape, then waits until every
 * node is Ready and kube-system runs. The wait is counted from when the components run: a first
 * build of the binaries or the node image before that may take many minutes.
 */
export async function up(
  provider: Provider,
  shape: ClusterShape,
  progress: Progress,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<ClusterAccess> {
  validateShape(shape);
  const recorded = provider.shapeOf(shape.name);
  if (recorded) {
    if (JSON.stringify(recorded) !== JSON.stringify(shape)) {
      throw new UserError(
        `cluster "${shape.name}" already exists with another shape (nodes ${recorded.nodes.map((n) => n.name).join(',')})`,
        {
          fix: `run kubelab up --name ${shape.name} without shape flags to resume it, or kubelab delete --name ${shape.name} first`,
        },
      );
    }
    await provider.start(shape.name, progress);
  } else {
    await provider.provision(shape, progress);
  }
  progress.step('waiting for nodes Ready and kube-system pods Running');
  await waitForCluster(
    provider.access(shape.name),
    shape.nodes.map((n) => n.name),
    Date.now() + timeoutMs,
    progress,
  );
  return provider.access(shape.name);
}

/**
 * Brings a cluster to a shape with other nodes, as an administrator would: extra nodes are
 * removed, missing ones join, and each kubelet whose max pods differs gets it in its
 * configuration file and restarts. Networks and the control plane stay: other ones need
 * another cluster.
 */
export async function reshape(
  provider: Provider,
  shape: ClusterShape,
  progress: Progress,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<ClusterAccess> {
  validateShape(shape);
  const name = shape.name;
  const recorded = requireShape(provider, name);
  const fixed = (s: ClusterShape) => JSON.stringify([s.podSubnet, s.serviceSubnet, s.nodes.find((n) => n.role === 'control-plane')?.name]);
  if (fixed(recorded) !== fixed(shape)) {
    throw new UserError(`cluster "${name}" has other networks or another control plane than this lab needs`, {
      fix: `kubelab delete --name ${name}, or choose another --name`,
    });
  }
  await provider.start(name, progress);
  if (JSON.stringify(recorded.nodes) !== JSON.stringify(shape.nodes))
    progress.step(`reshaping cluster "${name}" to nodes ${nodeList(shape)}`);
  for (const node of recorded.nodes.filter((n) => !shape.nodes.some((s) => s.name === n.name))) {
    progress.update(`removing node ${node.name}`);
    await provider.nodes.remove(name, node.name);
  }
  for (const node of shape.nodes.filter((n) => !recorded.nodes.some((r) => r.name === n.name))) {
    progress.update(`adding node ${node.name}`);
    await provider.nodes.add(name, node, progress);
  }
  const { core } = clients(loadKubeConfig(provider.access(name).kubeconfig, provider.access(name).context));
  for (const node of shape.nodes) {
    const registered = await core.readNode({ name: node.name }).catch(() => undefined);
    const current = requireShape(provider, name).nodes.find((n) => n.name === node.name);
    if (current?.maxPods !== node.maxPods || Number(registered?.status?.allocatable?.pods) !== node.maxPods) {
      progress.update(`setting max pods of ${node.name} to ${node.maxPods}`);
      await setMaxPods(provider, name, node.name, node.maxPods);
    }
  }
  await waitForCluster(
    provider.access(name),
    shape.nodes.map((n) => n.name),
    Date.now() + timeoutMs,
    progress,
  );
  return provider.access(name);
}

/** Sets maxPods in the node's kubelet configuration file and restarts that kubelet, as an administrator would. */
export async function setMaxPods(provider: Provider, name: string, node: string, maxPods: number): Promise<void> {
  checkMaxPods(maxPods);
  const file = provider.nodes.kubeletConfig(name, node);
  await file.write(withMaxPodsConfig(await file.read(), maxPods));
  await provider.nodes.restartKubelet(name, node);
}

/** Refuses, in one line, a lab that needs what this provider's nodes cannot do. */
export function requireCapabilities(provider: Provider, needs: readonly NodeCapability[], what: string): void {
  const missing = needs.filter((c) => !provider.capabilities.includes(c));
  if (missing.length === 0) return;
  const hint: Record<NodeCapability, string> = {
    join: 'join new nodes',
    rebuild: 'rebuild nodes',
    'kubelet-config': 'change kubelet configuration',
    containers: 'run real containers',
    'static-pods': 'run the control plane as static pods',
    machines: 'are machines of their own',
  };
  throw new UserError(
    `${what} needs nodes that ${missing.map((c) => hint[c]).join(' and ')}, which the ${provider.name} provider's cannot`,
    {
      fix:
        provider.name === 'local' && ['containers', 'static-pods', 'machines'].some((c) => missing.includes(c as NodeCapability))
          ? 'use kind: kubelab image build, then --provider kind'
          : 'use a cluster kubelab runs (drop --context), or --provider kind',
    },
  );
}
