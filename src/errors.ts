// A UserError is something the user can fix: the CLI prints its message (and the
// fix) on one line and exits non-zero, without a stack trace.
export class UserError extends Error {
  readonly fix: string | undefined;
  readonly exitCode: number;
  constructor(message: string, options: { fix?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The one line the CLI prints for an error. */
export function errorLine(error: unknown): string {
  if (error instanceof UserError) {
    return error.fix ? `kubelab: ${error.message} — ${error.fix}` : `kubelab: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `kubelab: unexpected error: ${message.split('\n')[0]} (run with --debug for the stack)`;
}

/** Whether the user asked for details: --debug on any command, or KUBELAB_DEBUG=1. */
export function debugging(): boolean {
  return process.env.KUBELAB_DEBUG === '1';
}

/** The error's stack and those of its causes, innermost last, for --debug. */
export function stackTrace(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    lines.push(`${depth ? 'caused by: ' : ''}${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  return lines.join('\n');
}
