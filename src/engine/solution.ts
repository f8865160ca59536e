// Reference solutions are shell commands a learner could type: `kubelab solve --show` prints them,
// and `kubelab solve` runs exactly those, one by one, saying each before it runs it.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBinaries } from '../binaries/index.ts';
import { UserError } from '../errors.ts';
import { execResult, lastLine } from '../exec.ts';
import { cacheDir, packageRoot } from '../paths.ts';
import type { ResolvedTarget } from '../target.ts';
import { checkContext } from './context.ts';
import type { Exercise, SolutionContext } from './model.ts';
import { loadKubeConfig } from '../kube/client.ts';

/** A `kubelab` on PATH for the commands, whatever this machine has (npx, a global install, none). */
async function kubelabShim(): Promise<string> {
  const dir = join(cacheDir(), 'shims');
  await mkdir(dir, { recursive: true });
  const shim = join(dir, 'kubelab');
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(packageRoot, 'bin', 'kubelab.js')}" "$@"\n`);
  await chmod(shim, 0o755);
  return dir;
}

export function solutionContext(target: ResolvedTarget): SolutionContext {
  const { provider, access, createdByKubelab } = target;
  const ctx = checkContext(loadKubeConfig(access.kubeconfig, access.context));
  return { ...ctx, cluster: access.name, ...(createdByKubelab ? { node: (node: string) => provider.nodes.shell(access.name, node) } : {}) };
}

/** The exercise's solution as commands; an exercise that solves in code (solve) has none to show. */
export async function solutionCommands(exercise: Exercise, ctx: SolutionContext): Promise<string[] | undefined> {
  return exercise.solution ? exercise.solution(ctx) : undefined;
}

/** Runs the commands in bash, in order, as a learner's shell on this cluster would; stops at the first that fails. */
export async function runCommands(commands: string[], target: ResolvedTarget, say: (line: string) => void): Promise<void> {
  const binaries = await ensureBinaries();
  const env = {
    ...process.env,
    KUBECONFIG: target.access.kubeconfig,
    KUBELAB_CLUSTER: target.access.name,
    PATH: [binaries.dir, await kubelabShim(), process.env.PATH ?? ''].join(':'),
  };
  for (const command of commands) {
    say(`$ ${command}`);
    const result = await execResult('bash', ['-o', 'pipefail', '-c', command], { env, cwd: packageRoot });
    for (const line of `${result.stdout}${result.stderr}`.split('\n').filter(Boolean)) say(`  ${line}`);
    if (result.exitCode !== 0) {
      throw new UserError(
        `the reference solution's command failed (exit ${result.exitCode}): ${command.split('\n')[0]}: ${lastLine(result.stderr) || lastLine(result.stdout)}`,
        {
          fix: "this is a bug in the lab or a cluster not in the lab's starting state: kubelab reset <lab>, then try again",
        },
      );
    }
  }
}
