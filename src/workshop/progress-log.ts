// The grid's changes, one JSON a line, appended as they happen: a restarted server reads them
// back, so the time of each last change and the chart of the class survive it.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ChangeEvent } from './board.ts';

export function readProgressLog(file: string): ChangeEvent[] {
  if (!existsSync(file)) return [];
  const events: ChangeEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const event = JSON.parse(line) as ChangeEvent;
      if (typeof event.at === 'number' && typeof event.learner === 'string' && typeof event.cell === 'string') events.push(event);
    } catch {
      // a line cut short by a crash: the rest still counts
    }
  }
  return events;
}

/** Appends synchronously: changes are few (a learner's step), and their order matters. */
export function progressAppender(file: string): (event: ChangeEvent) => void {
  return (event) => appendFileSync(file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
}
