import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import type { ClusterTarget, ResolvedTarget } from '../target.ts';
import { addJoinCommand } from './node-join.ts';
import { nameOption, providerOption } from './options.ts';

function clusterOptions(command: Command): Command {
  return command.addOption(nameOption()).addOption(providerOption());
}

function maxPodsArgument(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new UserError(`max pods must be a whole number from 1 to 10000, not "${text}"`);
  return n;
}

// The providers and the Kubernetes client load when a node command runs.
const resolve = async (options: ClusterTarget, purpose: 'read' | 'write') => (await import('../target.ts')).resolveTarget(options, purpose);

/** Fails with one line when the node is not registered (or the cluster does not answer). */
async function requireNode({ access }: ResolvedTarget, node: string): Promise<void> {
  const { requireReachable } = await import('../engine/context.ts');
  const { clients, loadKubeConfig, messageOf, statusOf } = await import('../kube/client.ts');
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(kc, access);
  try {
    await clients(kc).core.readNode({ name: node });
  } catch (error) {
    if (statusOf(error) === 404)
      throw new UserError(`cluster "${access.name}" has no node "${node}"`, { cause: error, fix: 'kubectl get nodes lists them' });
    throw new UserError(`cannot read node ${node}: ${messageOf(error)}`, { cause: error });
  }
}

/** `kubelab node …`: what happens on a node's machine rather than through the API. */
export function addNodeCommands(cli: Command, progress: Progress): void {
  const group = cli.command('node').description('work with the nodes of a cluster: their kubelets, rebuild, join');

  clusterOptions(
    group
      .command('kubelet-config')
      .argument('<node>', 'the node whose kubelet configuration to show')
      .description('where the node’s kubelet configuration file is, and what it says'),
  ).action(async (node: string, options: ClusterTarget) => {
    const resolved = await resolve(options, 'read');
    const file = resolved.provider.nodes.kubeletConfig(resolved.access.name, node);
    console.error(`# ${file.where}`);
    process.stdout.write(await file.read());
  });

  clusterOptions(
    group
      .command('restart-kubelet')
      .argument('<node>', 'the node whose kubelet to restart')
      .description('restart a node’s kubelet: it reads its configuration file again, and the Node reports what it says'),
  ).action(async (node: string, options: ClusterTarget) => {
    const target = await resolve(options, 'write');
    await requireNode(target, node);
    await target.provider.nodes.restartKubelet(target.access.name, node);
    progress.done(`the kubelet of ${node} restarted with its configuration file`);
  });

  clusterOptions(
    group
      .command('rebuild')
      .argument('<node>', 'the node to bring back')
      .description('a deleted node comes back, as its machine would after a rebuild (kubectl delete node first)'),
  ).action(async (node: string, options: ClusterTarget) => {
    const target = await resolve(options, 'write');
    await target.provider.nodes.rebuild(target.access.name, node);
    progress.done(`${node} registered again and is Ready`);
  });

  clusterOptions(
    group
      .command('set-max-pods')
      .argument('<node>', 'the node whose kubelet to change')
      .argument('<n>', 'pods the kubelet admits (maxPods)')
      .description('a shortcut: set maxPods in the node’s kubelet configuration file and restart its kubelet'),
  ).action(async (node: string, text: string, options: ClusterTarget) => {
    const maxPods = maxPodsArgument(text);
    const target = await resolve(options, 'write');
    await requireNode(target, node);
    const { setMaxPods } = await import('../cluster/lifecycle.ts');
    await setMaxPods(target.provider, target.access.name, node, maxPods);
    progress.done(`${node} now admits ${maxPods} pods`);
  });

  addJoinCommand(group, (options) => resolve(options, 'write'));
}
