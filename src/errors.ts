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
  return `kubelab: unexpected error: ${message.split('\n')[0]} (run with KUBELAB_DEBUG=1 for details)`;
}
