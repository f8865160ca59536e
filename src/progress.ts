/** Progress lines for long steps, on stderr so stdout stays clean for data. */
export interface Progress {
  step(message: string): void;
  /** Updates the current line in place on a terminal; on a pipe prints at most every few seconds. */
  update(message: string): void;
  done(message: string): void;
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
