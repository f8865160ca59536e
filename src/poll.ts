// One way to wait for the cluster: poll until a condition holds, with every attempt bounded (a
// stalled API connection must not hang a wait forever) and a timeout that says what it waited
// for and what it last saw.
import { UserError } from './errors.ts';

export interface PollOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message: "node kub2 Ready". */
  describe: string;
  /** What to look at when it times out. */
  fix?: string;
  intervalMs?: number;
  /** The longest one attempt may take; a slower one counts as failed and the poll goes on. */
  attemptMs?: number;
}

/** What one attempt saw: the value when the condition holds, else a description of the state. */
export type Attempt<T> = { value: T } | { state: string };

function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function pollUntil<T>(attempt: () => Promise<Attempt<T>>, options: PollOptions): Promise<T> {
  const { timeoutMs, intervalMs = 500, attemptMs = 15_000 } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  let cause: unknown;
  for (;;) {
    try {
      const seen = await bounded(attempt(), attemptMs);
      if ('value' in seen) return seen.value;
      last = seen.state;
      cause = undefined;
    } catch (error) {
      last = (error as Error).message.split('\n')[0] ?? String(error);
      cause = error;
    }
    if (Date.now() + intervalMs > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new UserError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${options.describe} (last seen: ${last})`, {
    fix: options.fix,
    cause,
  });
}
