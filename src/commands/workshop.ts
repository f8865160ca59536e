// The instructor's commands: `kubelab workshop …` for a class of learner clusters, and the
// authoring kit (`kubelab new-lab`, `kubelab test`). What they do loads only when one runs.
import { Option, type Command } from 'commander';
import type { Progress } from '../progress.ts';

const actions = () => import('../workshop/actions.ts');

/** --name of the workshop, on every workshop command. */
function workshopOptions(command: Command): Command {
  return command
    .addOption(new Option('--name <workshop>', 'the workshop ($KUBELAB_WORKSHOP)').default(process.env.KUBELAB_WORKSHOP ?? 'ws'))
    .option('--parallel <n>', 'learner clusters worked on at once (default: the machine’s cores, at least 2)');
}

const collect = (value: string, previous: string[]) => [...previous, value];

function addWorkshop(cli: Command, progress: Progress): void {
  const workshop = cli
    .command('workshop')
    .description('host a class on this machine: a cluster per learner, a server for their browsers and kubectl, a live grid for you');

  workshopOptions(
    workshop
      .command('up')
      .description('create (or resume) one cluster per learner, in parallel')
      .option('--learners <n>', 'this many learners: learner-1 … learner-N')
      .option('--roster <file>', 'one learner name a line')
      .addOption(new Option('--provider <provider>', 'where the clusters run').choices(['local', 'kind']).default('local')),
  ).action(async (options) => (await actions()).upAction(options, progress));

  workshopOptions(workshop.command('status').argument('[learner]').description('each learner’s cluster: running, API server, nodes'))
    .option('--json', 'print JSON')
    .action(async (learner, options) => (await actions()).statusAction(learner, options));

  workshopOptions(workshop.command('down').argument('[learner]').description('stop the learners’ clusters (or one); state is kept')).action(
    async (learner, options) => (await actions()).downAction(learner, options, progress),
  );

  workshopOptions(
    workshop
      .command('delete')
      .argument('[learner]')
      .description('remove the clusters this workshop created (or one learner’s), and with all of them the workshop'),
  ).action(async (learner, options) => (await actions()).deleteAction(learner, options, progress));

  workshopOptions(
    workshop.command('start').argument('<lab>').argument('[learner]').description('start a lab on every learner’s cluster (or one)'),
  ).action(async (lab, learner, options) => (await actions()).startAction(lab, learner, options, progress));

  workshopOptions(
    workshop
      .command('reset')
      .argument('<learner>')
      .argument('[lab]')
      .description('undo a learner’s exercises: back to the starting state of the labs started (or of one)'),
  ).action(async (learner, lab, options) => (await actions()).resetAction(learner, lab, options, progress));

  workshopOptions(
    workshop
      .command('grade')
      .argument('[labs...]')
      .description('grade every learner on the labs started (or those given)')
      .addOption(new Option('--format <format>', 'report format').choices(['junit', 'json', 'classroom', 'csv']).default('json'))
      .option('--output <file>', 'write the report to a file instead of stdout'),
  ).action(async (labs, options) => (await actions()).gradeAction(labs, options, progress));

  workshopOptions(
    workshop
      .command('serve')
      .description('serve the class over HTTPS: each learner’s link, kubeconfig and live cells, and your grid; Ctrl-C stops it')
      .option('--listen <addr>', 'ADDR[:PORT] to listen on; anything but loopback opens it to other machines', '127.0.0.1:8443')
      .option('--host <name>', 'another name learners reach this machine by (for the certificate; several allowed)', collect, [])
      .option('--cert <file>', 'your certificate (PEM, with its chain); default: a self-signed one')
      .option('--key <file>', 'the key of --cert (PEM)')
      .option('--no-site', 'serve the workshop pages only, without the lab site')
      .option('--rebuild-site', 'build the lab site again (after its pages changed)')
      .option('--grade-every <seconds>', 'how often each learner’s cluster is graded for the grid (0: only on change)', '3'),
  ).action(async (options) => (await import('../workshop/serve.ts')).serveWorkshop(options, progress));
}

function addAuthoring(cli: Command, progress: Progress): void {
  cli
    .command('new-lab')
    .argument('<id>')
    .description('scaffold a lab (checks/<id>/index.ts) and its page (labs/<id>.md) from the smallest complete example')
    .option('--dir <dir>', 'make the lab in DIR/<id>/ instead (a lab pack outside this repository; load it with --labs DIR)')
    .action(async (id: string, options: { dir?: string }) => {
      const { newLab } = await import('../workshop/authoring/new-lab.ts');
      const made = await newLab(id, options.dir);
      const { relative } = await import('node:path');
      const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
      progress.done(`made lab "${id}": ${shown(made.index)} and ${shown(made.page)}`);
      console.log(
        `next: edit them (docs/authoring.md), then run its self-test: kubelab${options.dir ? ` --labs ${options.dir}` : ''} test ${id}`,
      );
    });

  cli
    .command('test')
    .argument('<lab>')
    .description('run a lab’s self-test on a real cluster: for each exercise, checks fail → solve → pass → reset → fail')
    .option('--cluster <name>', 'the cluster to test on (default test-<lab>; made and removed unless it exists)')
    .addOption(new Option('--provider <provider>', 'where a new cluster runs').default('auto'))
    .option('--timeout <seconds>', 'how long the checks may poll after the solution', '120')
    .option('--keep', 'keep the cluster the test made')
    .action(async (labId: string, options: { cluster?: string; provider: string; timeout: string; keep?: boolean }) => {
      const { getLab } = await import('../engine/registry.ts');
      const { selfTestLab } = await import('../workshop/authoring/self-test.ts');
      const { UserError } = await import('../errors.ts');
      if (!/^\d+$/.test(options.timeout)) throw new UserError(`--timeout must be a whole number of seconds, not "${options.timeout}"`);
      const lab = getLab(labId);
      const name = options.cluster ?? `test-${lab.id}`.slice(0, 40).replace(/-+$/, '');
      const ok = await selfTestLab(lab, {
        target: { name, provider: options.provider },
        timeoutMs: Number(options.timeout) * 1000,
        keep: options.keep,
        say: (line) => console.log(line),
        progress,
      });
      if (!ok) process.exitCode = 1;
    });
}

export function addWorkshopCommands(cli: Command, progress: Progress): void {
  addWorkshop(cli, progress);
  addAuthoring(cli, progress);
}
