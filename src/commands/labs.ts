import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { debugging, UserError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import { formats, render, totals, type Format } from '../engine/report.ts';
import type { CheckResult } from '../engine/run.ts';
import type { TargetOptions } from '../engine/session.ts';
import { nameOption, providerOption } from './options.ts';

interface CommonOptions extends TargetOptions {
  format: string;
  output?: string;
  timeout?: string;
}

function targetOptions(command: Command): Command {
  return command
    .addOption(nameOption())
    .addOption(providerOption())
    .option('--context <context>', 'a kubeconfig context kubelab did not create (read-only unless --yes)')
    .option('--yes', 'allow changes to a context kubelab did not create');
}

function reportOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(formats).default('human'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--timeout <seconds>', 'keep polling each check up to this long');
}

// The labs, the engine and the Kubernetes client load when a lab command runs, not for every
// kubelab command: discovering the labs loads each of them.
const registry = () => import('../engine/registry.ts');
const session = () => import('../engine/session.ts');

async function report(results: CheckResult[], options: CommonOptions): Promise<void> {
  const text = render(options.format as Format, results, debugging());
  if (options.output) {
    await writeFile(options.output, text);
    const t = totals(results);
    console.error(`${t.passed}/${t.total} checks passed, ${t.points}/${t.maxPoints} points — report in ${options.output}`);
  } else {
    process.stdout.write(text);
  }
  if (!results.every((r) => r.status === 'pass')) process.exitCode = 1;
}

function runOptions(options: CommonOptions) {
  if (options.timeout === undefined) return {};
  if (!/^\d+(\.\d+)?$/.test(options.timeout)) throw new UserError(`--timeout must be a number of seconds, not "${options.timeout}"`);
  return { timeoutMs: Number(options.timeout) * 1000 };
}

export function addLabCommands(cli: Command, progress: Progress): void {
  cli
    .command('labs')
    .description('list the labs and their exercises')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { labs } = await registry();
      if (options.json) {
        console.log(
          JSON.stringify(
            labs.map((l) => ({
              id: l.id,
              title: l.title,
              summary: l.summary,
              exercises: l.exercises.map((e) => ({ id: e.id, title: e.title, points: e.checks.reduce((s, c) => s + c.points, 0) })),
            })),
            null,
            2,
          ),
        );
        return;
      }
      for (const lab of labs) {
        console.log(`${lab.id.padEnd(16)} ${lab.title}`);
        for (const e of lab.exercises)
          console.log(`  ${e.id.padEnd(22)} ${e.title} (${e.checks.reduce((s, c) => s + c.points, 0)} points)`);
      }
    });

  targetOptions(cli.command('start').argument('<lab>').description('bring the cluster to the lab’s shape and run its setup')).action(
    async (labId: string, options: TargetOptions) => {
      const lab = (await registry()).getLab(labId);
      const access = await (await session()).startLab(lab, options, progress);
      progress.done(`lab "${lab.id}" is ready on context ${access.context}`);
      console.log(`export KUBECONFIG=${access.kubeconfig}`);
    },
  );

  reportOptions(
    targetOptions(cli.command('check').argument('<lab>').argument('[exercise]').description('check your work (read-only)')),
  ).action(async (labId: string, exerciseId: string | undefined, options: CommonOptions) => {
    const lab = (await registry()).getLab(labId);
    await report(await (await session()).checkLab(lab, exerciseId, options, runOptions(options)), options);
  });

  targetOptions(
    cli
      .command('solve')
      .argument('<lab>')
      .argument('[exercise]')
      .option('--show', 'print the commands of the reference solution, and run nothing')
      .description('run the reference solution, printing each command as it runs it'),
  ).action(async (labId: string, exerciseId: string | undefined, options: TargetOptions & { show?: boolean }) => {
    const lab = (await registry()).getLab(labId);
    const shown = await (await session()).solveLab(lab, exerciseId, options, { show: options.show, say: (line) => console.log(line) });
    if (options.show) {
      for (const [exercise, commands] of Object.entries(shown)) {
        console.log(`# ${lab.id} / ${exercise}`);
        console.log(commands ? commands.join('\n') : '# (this exercise solves in code: see its solve in checks/)');
      }
      return;
    }
    progress.done(`solved ${lab.id}${exerciseId ? ` / ${exerciseId}` : ''}`);
  });

  targetOptions(
    cli.command('reset').argument('<lab>').argument('[exercise]').description('undo the exercises: back to the lab’s starting state'),
  ).action(async (labId: string, exerciseId: string | undefined, options: TargetOptions) => {
    const lab = (await registry()).getLab(labId);
    await (await session()).resetLab(lab, exerciseId, options);
    progress.done(`reset ${lab.id}${exerciseId ? ` / ${exerciseId}` : ''}`);
  });

  reportOptions(
    targetOptions(cli.command('grade').argument('[labs...]').description('run every check of the given labs (default: all) and report')),
  ).action(async (labIds: string[], options: CommonOptions) => {
    const { getLab, labs } = await registry();
    const { checkLab } = await session();
    const chosen = (labIds.length ? labIds : labs.map((l) => l.id)).map(getLab);
    const results: CheckResult[] = [];
    for (const lab of chosen) results.push(...(await checkLab(lab, undefined, options, runOptions(options))));
    await report(results, options);
  });
}
