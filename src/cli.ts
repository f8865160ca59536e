import { delimiter, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { DEFAULT_MAX_PODS } from './cluster/shape.ts';
import { debugging, errorLine, stackTrace, UserError } from './errors.ts';
import { consoleProgress } from './progress.ts';
import { addLabCommands } from './commands/labs.ts';
import { addNodeCommands } from './commands/node.ts';
import { addImageCommands } from './commands/image.ts';
import { addWorkshopCommands } from './commands/workshop.ts';
import { nameOption, providerOption } from './commands/options.ts';
import type { ClusterTarget } from './target.ts';
import type { UpOptions } from './commands/cluster.ts';

const progress = consoleProgress();
// What the commands do loads when one runs: `kubelab --help` need not load the Kubernetes client.
const actions = () => import('./commands/cluster.ts');

/** What the kind and existing providers take, on every command that takes --provider. */
function addProviderFlags(command: Command): void {
  command
    .option('--context <context>', 'a kubeconfig context kubelab did not create (the existing provider; read-only unless --yes)')
    .option('--yes', 'allow changes to a context kubelab did not create')
    .option('--image <image>', 'kind node image (default $KUBELAB_KIND_IMAGE, else the one kubelab image build makes)');
}

export function program(): Command {
  const cli = new Command('kubelab')
    .description('Kubernetes learning labs on a real local cluster')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (message, write) =>
        write(
          `kubelab: ${message
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see kubelab --help)\n`,
        ),
    })
    .option('--debug', 'print what lies behind a failure: the objects and events behind failed checks, the stack of an unexpected error')
    .option('--labs <dir>', 'also load the labs in DIR, one lab a folder (several allowed)', (v, p: string[]) => [...p, v], [])
    .hook('preAction', (command) => {
      if (command.opts().debug) process.env.KUBELAB_DEBUG = '1';
      // Read by the registry when it first loads, and inherited by every process kubelab starts.
      const labs = (command.opts().labs as string[]).map((dir) => resolve(dir));
      if (labs.length) process.env.KUBELAB_LABS = [...(process.env.KUBELAB_LABS?.split(delimiter) ?? []), ...labs].join(delimiter);
    });

  cli
    .command('up')
    .description('create the cluster, or resume it, and wait until it is ready')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--nodes <nodes>', 'node count, or names with the control plane first (default kub1,kub2,kub3)')
    .option('--max-pods <n>', `allocatable pods per node (default ${DEFAULT_MAX_PODS})`)
    .option('--pod-cidr <cidr>', 'pod network CIDR (default 10.244.0.0/16)')
    .option('--service-cidr <cidr>', 'service CIDR (default 10.10.0.0/16)')
    .option('--advertise-address <ip>', 'API server advertise address (default 10.10.10.101)')
    .option('--trace', 'print a timeline of the start-up: each phase, and each component from start to healthy')
    .action(async (options: UpOptions & { trace?: boolean }) => (await actions()).upCommand(options, progress));

  cli
    .command('status')
    .description('component health, nodes and context')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--json', 'print JSON')
    .action(async (options: ClusterTarget & { json?: boolean }) => (await actions()).statusCommand(options, progress));

  cli
    .command('down')
    .description('stop the cluster and keep its state')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => (await actions()).downCommand(options, progress));

  cli
    .command('delete')
    .description('stop the cluster and remove its state (only ever a cluster kubelab created)')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => (await actions()).deleteCommand(options, progress));

  cli
    .command('list')
    .description('the clusters kubelab created')
    .addOption(providerOption())
    .action(async (options: { provider: string }) => (await actions()).listCommand(options, progress));

  cli
    .command('env')
    .description('print shell exports so your kubectl uses the lab cluster: eval "$(kubelab env)"')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => (await actions()).envCommand(options, progress));

  cli
    .command('kubectl')
    .description('run the pinned kubectl against the cluster ($KUBELAB_CLUSTER, default kubelab)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => (await actions()).kubectlCommand(args, progress));

  cli
    .command('binaries')
    .description('build or fetch the pinned upstream binaries and print their directory')
    .action(async () => (await actions()).binariesCommand(progress));

  cli
    .command('serve')
    .description(
      'start (or reuse) the cluster, the bridge for live cells and the lab site, and open it; Ctrl-C stops the site, not the cluster',
    )
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--port <port>', 'port of the lab site', '3000')
    .option('--bridge-port <port>', 'port of the bridge for live cells (default: a free one)')
    .option('--no-open', 'print the link instead of opening a browser')
    .action(async (options: ClusterTarget & { port: string; bridgePort?: string; open: boolean }) =>
      (await actions()).serveCommand(options, progress),
    );

  cli
    .command('build')
    .description('build the lab site as static files, with a snapshot of the running cluster')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--output <dir>', 'where to write the site', 'dist')
    .action(async (options: ClusterTarget & { output: string }) => (await actions()).buildCommand(options, progress));

  for (const command of cli.commands.filter((c) => c.options.some((o) => o.long === '--provider'))) addProviderFlags(command);
  addLabCommands(cli, progress);
  addNodeCommands(cli, progress);
  addImageCommands(cli, progress);
  addWorkshopCommands(cli, progress);
  return cli;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (debugging()) console.error(stackTrace(error));
    console.error(errorLine(error));
    process.exitCode = error instanceof UserError ? error.exitCode : 1;
  }
}

// `kubelab labs | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await main(process.argv.slice(2));
