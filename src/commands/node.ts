import type { Command } from 'commander';
import { chooseProvider } from '../cluster/providers.ts';
import type { Provider } from '../cluster/provider.ts';
import { requireReachable } from '../engine/context.ts';
import { UserError } from '../errors.ts';
import { clients, loadKubeConfig, messageOf, statusOf } from '../kube/client.ts';
import type { Progress } from '../progress.ts';
import { addJoinCommand } from './node-join.ts';
import { nameOption, providerOption } from './options.ts';

export interface ClusterOptions {
  name: string;
  provider: string;
}

function clusterOptions(command: Command): Command {
  return command
    .addOption(nameOption())
    .addOption(providerOption());
}

function providerOf(options: ClusterOptions): Provider {
  const { provider } = chooseProvider(options.provider, { name: options.name });
  if (!provider.shapeOf(options.name)) throw new UserError(`no cluster named "${options.name}"`, { fix: `create it with: kubelab up --name ${options.name}` });
  return provider;
}

function maxPodsArgument(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new UserError(`max pods must be a whole number from 1 to 10000, not "${text}"`);
  return n;
}

/** Fails with one line when the node is not registered (or the cluster does not answer). */
async function requireNode(provider: Provider, cluster: string, node: string): Promise<void> {
  const access = provider.access(cluster);
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(kc, access);
  try {
    await clients(kc).core.readNode({ name: node });
  } catch (error) {
    if (statusOf(error) === 404) throw new UserError(`cluster "${cluster}" has no node "${node}"`, { fix: 'kubectl get nodes lists them' });
    throw new UserError(`cannot read node ${node}: ${messageOf(error)}`);
  }
}

/** `kubelab node …`: what happens on a node's machine rather than through the API. */
export function addNodeCommands(cli: Command, progress: Progress): void {
  const group = cli.command('node').description('work with the nodes of a cluster: rebuild, set max pods, join');

  clusterOptions(
    group
      .command('rebuild')
      .argument('<node>', 'the node to bring back')
      .description('register a deleted node again, as its machine would after a rebuild (kubectl delete node first)'),
  ).action(async (node: string, options: ClusterOptions) => {
    const provider = providerOf(options);
    await provider.rebuildNode(options.name, node);
    progress.done(`${node} registered again and is Ready`);
  });

  clusterOptions(
    group
      .command('set-max-pods')
      .argument('<node>', 'the node whose kubelet to change')
      .argument('<n>', 'pods the kubelet admits (--max-pods)')
      .description('restart a node’s kubelet with --max-pods=N; the node then reports N allocatable pods'),
  ).action(async (node: string, text: string, options: ClusterOptions) => {
    const maxPods = maxPodsArgument(text);
    const provider = providerOf(options);
    await requireNode(provider, options.name, node);
    await provider.setMaxPods(options.name, node, maxPods);
    progress.done(`${node} now admits ${maxPods} pods`);
  });

  addJoinCommand(group, (options) => providerOf(options));
}
