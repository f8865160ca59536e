import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ensureBinaries } from './binaries/index.ts';
import { chooseProvider } from './cluster/providers.ts';
import type { ClusterStatus } from './cluster/provider.ts';
import { defaultShape, parseNodes, validateShape, DEFAULT_MAX_PODS, type ClusterShape } from './cluster/shape.ts';
import { debugging, errorLine, stackTrace, UserError } from './errors.ts';
import { consoleProgress, tracingProgress } from './progress.ts';
import { build, serve } from './serve.ts';
import { addLabCommands } from './commands/labs.ts';
import { addNodeCommands } from './commands/node.ts';
import { addImageCommands } from './commands/image.ts';
import { nameOption, providerOption } from './commands/options.ts';
import { up } from './cluster/lifecycle.ts';
import { removeCheckerIdentity } from './engine/identity.ts';
import { loadKubeConfig } from './kube/client.ts';
import { resolveTarget, type ClusterTarget } from './target.ts';

const progress = consoleProgress();

function intOption(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

interface UpOptions extends ClusterTarget {
  name: string;
  nodes?: string;
  maxPods?: string;
  podCidr?: string;
  serviceCidr?: string;
  advertiseAddress?: string;
}

/** The shape from flags; with no shape flags an existing cluster keeps its own. */
function shapeFromFlags(options: UpOptions, existing: ClusterShape | undefined): ClusterShape {
  const flagged = options.nodes ?? options.maxPods ?? options.podCidr ?? options.serviceCidr ?? options.advertiseAddress;
  if (existing && flagged === undefined) return existing;
  const shape = existing ? structuredClone(existing) : defaultShape(options.name);
  const maxPods = options.maxPods === undefined ? DEFAULT_MAX_PODS : intOption(options.maxPods, '--max-pods');
  if (options.nodes) shape.nodes = parseNodes(options.nodes, maxPods);
  else if (options.maxPods !== undefined) shape.nodes = shape.nodes.map((n) => ({ ...n, maxPods }));
  if (options.podCidr) shape.podSubnet = options.podCidr;
  if (options.serviceCidr) shape.serviceSubnet = options.serviceCidr;
  if (options.advertiseAddress) shape.advertiseAddress = options.advertiseAddress;
  return validateShape(shape);
}

/** What the kind and existing providers take, on every command that takes --provider. */
function addProviderFlags(command: Command): void {
  command
    .option('--context <context>', 'a kubeconfig context kubelab did not create (the existing provider; read-only unless --yes)')
    .option('--yes', 'allow changes to a context kubelab did not create')
    .option('--image <image>', 'kind node image (default $KUBELAB_KIND_IMAGE, else the one kubelab image build makes)');
}

function printStatus(status: ClusterStatus): void {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  console.log(`cluster   ${status.name} (${status.running ? 'running' : 'stopped'})`);
  console.log(`provider  ${status.provider}${status.reason ? ` — ${status.reason}` : ''}`);
  console.log(`context   ${status.context}  (KUBECONFIG=${status.kubeconfig})`);
  console.log('components');
  for (const c of status.components) {
    const restarts = c.restarts ? `, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}` : '';
    console.log(`  ${mark(c.healthy)} ${c.name.padEnd(24)} ${c.detail}${c.pid ? ` (pid ${c.pid}${restarts})` : restarts}`);
  }
  if (status.nodes.length) {
    console.log('nodes');
    for (const n of status.nodes) {
      const state = [n.ready ? 'Ready' : 'NotReady', ...(n.schedulable ? [] : ['SchedulingDisabled'])].join(',');
      console.log(
        `  ${mark(n.ready)} ${n.name.padEnd(12)} ${state.padEnd(26)} ${(n.roles.join(',') || '<none>').padEnd(14)} pods ${n.allocatablePods}`,
      );
    }
  }
}

/** The target's fields alone, without the other options of the command. */
function targetOf(options: ClusterTarget): ClusterTarget {
  return { name: options.name, provider: options.provider, context: options.context, yes: options.yes, image: options.image };
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
    .hook('preAction', (command) => {
      if (command.opts().debug) process.env.KUBELAB_DEBUG = '1';
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
    .action(async (options: UpOptions & { trace?: boolean }) => {
      const traced = options.trace ? tracingProgress(progress) : undefined;
      const shown = traced ?? progress;
      shown.mark?.('command parsed');
      const { provider, access, createdByKubelab } = resolveTarget(options, 'create');
      const started = Date.now();
      if (createdByKubelab) await up(provider, shapeFromFlags(options, provider.shapeOf(access.name)), shown);
      else await provider.start(access.name, shown);
      shown.done(`cluster "${access.name}" is ready in ${((Date.now() - started) / 1000).toFixed(1)} s — context ${access.context}`);
      if (traced) console.error(`timeline (seconds since the process started):\n${traced.timeline()}`);
      console.log(`export KUBECONFIG=${access.kubeconfig}`);
    });

  cli
    .command('status')
    .description('component health, nodes and context')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--json', 'print JSON')
    .action(async (options: ClusterTarget & { json?: boolean }) => {
      const { provider, reason, access } = resolveTarget(options, 'read');
      const status = { ...(await provider.status(access.name)), reason };
      if (options.json) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
      if (!status.running) process.exitCode = 3;
    });

  cli
    .command('down')
    .description('stop the cluster and keep its state')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => {
      const { provider, access } = resolveTarget(options, 'read');
      await provider.stop(access.name, progress);
    });

  cli
    .command('delete')
    .description('stop the cluster and remove its state (only ever a cluster kubelab created)')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => {
      // 'create': a cluster that does not exist is not an error here; the provider says so.
      const { provider, access, createdByKubelab } = resolveTarget(options, 'create');
      await provider.remove(access.name, progress);
      if (!createdByKubelab) {
        await removeCheckerIdentity(loadKubeConfig(access.kubeconfig, access.context));
        progress.done(`removed kubelab's checker identity from context "${access.context}"`);
      }
    });

  cli
    .command('list')
    .description('the clusters kubelab created')
    .addOption(providerOption())
    .action(async (options: { provider: string }) => {
      const providers = options.provider === 'auto' ? ['local', 'kind'] : [options.provider];
      const names = await Promise.all(providers.map((p) => chooseProvider(p, { name: '' }).provider.list()));
      for (const name of [...new Set(names.flat())].sort()) console.log(name);
    });

  cli
    .command('env')
    .description('print shell exports so your kubectl uses the lab cluster: eval "$(kubelab env)"')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: ClusterTarget) => {
      const { access } = resolveTarget(options, 'read');
      const binaries = await ensureBinaries(progress);
      console.log(`export KUBECONFIG=${access.kubeconfig}`);
      console.log(`# the pinned kubectl and kubeadm, matching the cluster's version`);
      console.log(`export PATH=${binaries.dir}:$PATH`);
    });

  cli
    .command('kubectl')
    .description('run the pinned kubectl against the cluster ($KUBELAB_CLUSTER, default kubelab)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { access } = resolveTarget({}, 'read');
      const binaries = await ensureBinaries(progress);
      const result = spawnSync(binaries.path('kubectl'), args, {
        stdio: 'inherit',
        env: { ...process.env, KUBECONFIG: access.kubeconfig },
      });
      process.exitCode = result.status ?? 1;
    });

  cli
    .command('binaries')
    .description('build or fetch the pinned upstream binaries and print their directory')
    .action(async () => {
      console.log((await ensureBinaries(progress)).dir);
    });

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
    .action(async (options: ClusterTarget & { port: string; bridgePort?: string; open: boolean }) => {
      const port = intOption(options.port, '--port');
      const bridgePort = options.bridgePort === undefined ? 0 : intOption(options.bridgePort, '--bridge-port');
      if (port < 1 || port > 65535 || bridgePort > 65535) throw new UserError('ports must be from 1 to 65535');
      await serve({ target: targetOf(options), port, bridgePort, open: options.open }, progress);
    });

  cli
    .command('build')
    .description('build the lab site as static files, with a snapshot of the running cluster')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--output <dir>', 'where to write the site', 'dist')
    .action(async (options: ClusterTarget & { output: string }) => {
      await build({ target: targetOf(options), output: resolve(options.output) }, progress);
    });

  for (const command of cli.commands.filter((c) => c.options.some((o) => o.long === '--provider'))) addProviderFlags(command);
  addLabCommands(cli, progress);
  addNodeCommands(cli, progress);
  addImageCommands(cli, progress);
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
