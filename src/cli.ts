import { spawnSync } from 'node:child_process';
import { Command, CommanderError, Option } from 'commander';
import { ensureBinaries } from './binaries/index.ts';
import { chooseProvider } from './cluster/providers.ts';
import type { ClusterStatus } from './cluster/provider.ts';
import { defaultShape, parseNodes, validateShape, DEFAULT_MAX_PODS, type ClusterShape } from './cluster/shape.ts';
import { errorLine, UserError } from './errors.ts';
import { consoleProgress } from './progress.ts';
import { serve } from './serve.ts';
import { addLabCommands } from './commands/labs.ts';

const DEFAULT_NAME = process.env.KUBELAB_CLUSTER ?? 'kubelab';
const progress = consoleProgress();

function intOption(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

interface UpOptions {
  name: string;
  provider: string;
  nodes?: string;
  maxPods?: string;
  podCidr?: string;
  serviceCidr?: string;
  advertiseAddress?: string;
  wait: string;
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

function nameOption() {
  return new Option('--name <name>', 'cluster name').default(DEFAULT_NAME);
}

function providerOption() {
  return new Option('--provider <provider>', 'auto, local, kind or existing').default('auto');
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
      console.log(`  ${mark(n.ready)} ${n.name.padEnd(12)} ${state.padEnd(26)} ${(n.roles.join(',') || '<none>').padEnd(14)} pods ${n.allocatablePods}`);
    }
  }
}

export function program(): Command {
  const cli = new Command('kubelab')
    .description('Kubernetes learning labs on a real local cluster')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`kubelab: ${message.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (see kubelab --help)\n`) });

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
    .option('--wait <seconds>', 'how long to wait for the cluster', '120')
    .action(async (options: UpOptions) => {
      const { provider } = chooseProvider(options.provider);
      const shape = shapeFromFlags(options, provider.shapeOf(options.name));
      const started = Date.now();
      const access = await provider.up(shape, progress);
      progress.done(`cluster "${access.name}" is ready in ${((Date.now() - started) / 1000).toFixed(1)} s — context ${access.context}`);
      console.log(`export KUBECONFIG=${access.kubeconfig}`);
    });

  cli
    .command('status')
    .description('component health, nodes and context')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--json', 'print JSON')
    .action(async (options: { name: string; provider: string; json?: boolean }) => {
      const { provider, reason } = chooseProvider(options.provider);
      const status = { ...(await provider.status(options.name)), reason };
      if (options.json) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
      if (!status.running) process.exitCode = 3;
    });

  cli
    .command('down')
    .description('stop the cluster and keep its state')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: { name: string; provider: string }) => {
      await chooseProvider(options.provider).provider.down(options.name, progress);
    });

  cli
    .command('delete')
    .description('stop the cluster and remove its state')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: { name: string; provider: string }) => {
      await chooseProvider(options.provider).provider.delete(options.name, progress);
    });

  cli
    .command('list')
    .description('the clusters kubelab created')
    .addOption(providerOption())
    .action(async (options: { provider: string }) => {
      for (const name of await chooseProvider(options.provider).provider.list()) console.log(name);
    });

  cli
    .command('env')
    .description('print shell exports so your kubectl uses the lab cluster: eval "$(kubelab env)"')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (options: { name: string; provider: string }) => {
      const { provider } = chooseProvider(options.provider);
      if (!provider.shapeOf(options.name)) throw new UserError(`no cluster named "${options.name}"`, { fix: `create it with: kubelab up --name ${options.name}` });
      const binaries = await ensureBinaries(progress);
      console.log(`export KUBECONFIG=${provider.access(options.name).kubeconfig}`);
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
      const { provider } = chooseProvider();
      if (!provider.shapeOf(DEFAULT_NAME)) throw new UserError(`no cluster named "${DEFAULT_NAME}"`, { fix: `create it with: kubelab up --name ${DEFAULT_NAME}` });
      const binaries = await ensureBinaries(progress);
      const result = spawnSync(binaries.path('kubectl'), args, {
        stdio: 'inherit',
        env: { ...process.env, KUBECONFIG: provider.access(DEFAULT_NAME).kubeconfig },
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
    .description('start (or reuse) the cluster and open the lab site')
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--port <port>', 'port of the lab site', '3000')
    .option('--no-open', 'print the URL instead of opening a browser')
    .action(async (options: { name: string; provider: string; port: string; open: boolean }) => {
      const { provider } = chooseProvider(options.provider);
      const shape = provider.shapeOf(options.name) ?? defaultShape(options.name);
      await provider.up(shape, progress);
      await serve({ port: intOption(options.port, '--port'), open: options.open });
    });

  addLabCommands(cli, progress);
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
    if (process.env.KUBELAB_DEBUG) console.error(error);
    console.error(errorLine(error));
    process.exitCode = error instanceof UserError ? error.exitCode : 1;
  }
}

await main(process.argv.slice(2));
