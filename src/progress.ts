/** Progress lines for long steps, on stderr so stdout stays clean for data. */
export interface Progress {
  step(message: string): void;
  /** Updates the current line in place on a terminal; on a pipe prints at most every few seconds. */
  update(message: string): void;
  done(message: string): void;
  /** Notes a moment worth a line in the --trace timeline (a component healthy, a phase over). */
  mark?(event: string): void;
}

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastPrinted = 0;
  let pending = false;
  return {
    step(message) {
      if (pending && tty) stream.write('\n');
      pending = false;
      stream.write(`• ${message}\n`);
    },
    update(message) {
      if (tty) {
        stream.write(`\r\x1b[2K  ${message}`);
        pending = true;
      } else if (Date.now() - lastPrinted > 5000) {
        lastPrinted = Date.now();
        stream.write(`  ${message}\n`);
      }
    },
    done(message) {
      if (pending && tty) stream.write('\r\x1b[2K');
      pending = false;
      stream.write(`✓ ${message}\n`);
    },
  };
}

export const silentProgress: Progress = { step() {}, update() {}, done() {} };

/**
 * Progress that also keeps a timeline: every step, done and mark with its time since the
 * process started. `kubelab up --trace` prints it, so claims about start-up time rest on it.
 */
export function tracingProgress(inner: Progress): Progress & { timeline(): string } {
  const events: { at: number; event: string }[] = [{ at: 0, event: 'process started' }];
  const note = (event: string) => events.push({ at: performance.now(), event });
  return {
    step(message) {
      note(message);
      inner.step(message);
    },
    update: (message) => inner.update(message),
    done(message) {
      note(`done: ${message}`);
      inner.done(message);
    },
    mark: note,
    timeline() {
      return events
        .map(({ at, event }, i) => {
          const since = i === 0 ? 0 : at - events[i - 1]!.at;
          return `${(at / 1000).toFixed(3).padStart(8)} s  +${(since / 1000).toFixed(3).padStart(6)} s  ${event}`;
        })
        .join('\n');
    },
  };
}
