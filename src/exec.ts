// One way to run a program: zx, quiet, with a non-zero exit turned into one line that names
// what failed and what the program last said on stderr; the error keeps zx's as its cause.
import { $ as zx } from 'zx';
import { UserError } from './errors.ts';

/** zx's $, quiet: kubelab reports failures itself, in one line. */
export const $ = zx({ quiet: true });

export interface ExecOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds; the program is killed after them. */
  timeoutMs?: number;
  /** What to tell the user to do when it fails. */
  fix?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The last line worth showing of a program's output (kubeadm's hint about stack traces is not). */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('To see the stack trace'))
      .pop() ?? ''
  );
}

/** Runs `command args…` and returns its exit code and output, whatever the exit code. */
export async function execResult(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const { input, cwd, env, timeoutMs } = options;
  try {
    const out = await $({ input, cwd, env, timeout: timeoutMs, nothrow: true })`${command} ${args}`;
    return { exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr };
  } catch (error) {
    // Only a program that could not start at all gets here.
    throw new UserError(`cannot run ${command}: ${(error as Error).message.split('\n')[0]}`, { fix: options.fix, cause: error });
  }
}

/** Runs `command args…` and returns its stdout; a non-zero exit throws "<what> failed: <last stderr line>". */
export async function exec(what: string, command: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await execResult(command, args, options);
  if (result.exitCode !== 0) {
    const said = lastLine(result.stderr) || lastLine(result.stdout) || `exit ${result.exitCode}`;
    throw new UserError(`${what} failed: ${said}`, {
      fix: options.fix,
      cause: new Error(`${command} ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr}`),
    });
  }
  return result.stdout;
}
