// The instructor's grid: per learner and exercise, passed (✓), failing (✗) or not started (the
// checks still say what they said right after the lab started), with when that last changed;
// whether each learner's cluster answers; and each change in the order it came, for the chart of
// the class over time. Every change is also appended to a log, so a restarted server keeps them.
import { EventEmitter } from 'node:events';
import type { CheckResult, CheckStatus } from '../engine/run.ts';
import type { Learner } from './learners.ts';

export type CellState = 'pass' | 'fail' | 'not-started';
export type Health = 'up' | 'down' | 'unknown';

export interface Column {
  lab: string;
  labTitle: string;
  exercise: string;
  title: string;
}

export interface CheckLine {
  check: string;
  title: string;
  status: CheckStatus;
  /** "expected …; found …" for a failing check. */
  reason: string;
  hint: string;
  points: number;
  maxPoints: number;
}

interface Cell {
  state: CellState;
  /** When the checks last said something else (ms since the epoch). */
  since: number;
  signature: string;
  checks: CheckLine[];
}

interface Row {
  learner: Learner;
  health: Health;
  message?: string;
  cells: Map<string, Cell>;
  /** The checks' first answer per exercise, where no start-of-lab baseline was recorded. */
  firstSeen: Map<string, string>;
}

/** One change, as the log keeps it. */
export interface ChangeEvent {
  at: number;
  learner: string;
  cell: string;
  state: CellState;
  signature: string;
}

export interface HistoryPoint {
  at: number;
  learner: string;
  /** Exercises the learner has passed, from then on. */
  passed: number;
}

export interface BoardOptions {
  learners: Learner[];
  /** The exercises the grid shows, in course order: those of the labs started. */
  columns: () => Column[];
  /** The lab's results on this learner's cluster right after it started, when recorded. */
  baseline: (learner: string, lab: string) => CheckResult[] | undefined;
  /** Earlier changes, oldest first (from the log of an earlier run). */
  replay?: ChangeEvent[];
  /** Where each change goes (the log). */
  persist?: (event: ChangeEvent) => void;
  now?: () => number;
}

export const cellKey = (lab: string, exercise: string) => `${lab}/${exercise}`;

function signatureOf(results: { check: string; status: string; reason: string }[]): string {
  return JSON.stringify(results.map((r) => [r.check, r.status, r.reason]).sort());
}

/** Who a row is and how their cluster is, as the grid and the drill-down both show it. */
function who(row: Row) {
  const { id, name, cluster } = row.learner;
  return { id, name, cluster, health: row.health, message: row.message };
}

export class Board extends EventEmitter {
  private readonly rows = new Map<string, Row>();
  private readonly history: HistoryPoint[] = [];
  private readonly options: BoardOptions;
  private readonly now: () => number;

  constructor(options: BoardOptions) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    for (const learner of options.learners)
      this.rows.set(learner.id, { learner, health: 'unknown', cells: new Map(), firstSeen: new Map() });
    for (const event of options.replay ?? []) this.apply(event, []);
  }

  private row(learner: string): Row {
    const row = this.rows.get(learner);
    if (!row) throw new Error(`no learner ${learner}`);
    return row;
  }

  private passedOf(row: Row): number {
    const keys = new Set(this.options.columns().map((c) => cellKey(c.lab, c.exercise)));
    return [...row.cells].filter(([key, cell]) => keys.has(key) && cell.state === 'pass').length;
  }

  /** Takes one change into the row; notes the learner's passed count for the chart when it moved. */
  private apply(event: ChangeEvent, checks: CheckLine[]): void {
    const row = this.rows.get(event.learner);
    if (!row) return;
    const before = this.passedOf(row);
    row.cells.set(event.cell, { state: event.state, since: event.at, signature: event.signature, checks });
    const after = this.passedOf(row);
    if (after !== before || !this.history.some((h) => h.learner === event.learner))
      this.history.push({ at: event.at, learner: event.learner, passed: after });
  }

  private stateOf(row: Row, lab: string, exercise: string, results: CheckResult[], signature: string): CellState {
    if (results.every((r) => r.status === 'pass')) return 'pass';
    const key = cellKey(lab, exercise);
    const baseline = this.options.baseline(row.learner.id, lab)?.filter((r) => r.exercise === exercise);
    const start = baseline?.length ? signatureOf(baseline) : row.firstSeen.get(key);
    if (start === undefined) {
      row.firstSeen.set(key, signature);
      return 'not-started';
    }
    return signature === start ? 'not-started' : 'fail';
  }

  /** A lab's check results for one learner (all its exercises, or some). */
  record(learner: string, lab: string, results: CheckResult[]): void {
    const row = this.row(learner);
    let changed = false;
    for (const exercise of new Set(results.map((r) => r.exercise))) {
      const mine = results.filter((r) => r.exercise === exercise);
      const signature = signatureOf(mine);
      const key = cellKey(lab, exercise);
      const checks = mine.map(({ check, title, status, reason, hint, points, maxPoints }) => ({
        check,
        title,
        status,
        reason,
        hint,
        points,
        maxPoints,
      }));
      const cell = row.cells.get(key);
      if (cell?.signature === signature) {
        cell.checks = checks;
        continue;
      }
      const event: ChangeEvent = {
        at: this.now(),
        learner,
        cell: key,
        state: this.stateOf(row, lab, exercise, mine, signature),
        signature,
      };
      this.apply(event, checks);
      this.options.persist?.(event);
      changed = true;
    }
    if (changed) this.emit('change');
  }

  /** Whether the learner's cluster answers; a cluster that went down keeps its last results. */
  health(learner: string, health: Health, message?: string): void {
    const row = this.row(learner);
    if (row.health === health && row.message === message) return;
    row.health = health;
    row.message = message;
    this.emit('change');
  }

  /** The grid as the instructor's page draws it. */
  grid(workshop: string) {
    const now = this.now();
    const columns = this.options.columns();
    const learners = [...this.rows.values()].map((row) => {
      const cells = Object.fromEntries(
        columns.map((c) => {
          const cell = row.cells.get(cellKey(c.lab, c.exercise));
          return [cellKey(c.lab, c.exercise), cell ? { state: cell.state, since: cell.since } : { state: 'unknown', since: null }];
        }),
      );
      const seen = columns.map((c) => row.cells.get(cellKey(c.lab, c.exercise))).filter((c) => c !== undefined);
      const passed = seen.filter((c) => c.state === 'pass').length;
      const lastChange = seen.length ? Math.max(...seen.map((c) => c.since)) : null;
      const done = columns.length > 0 && passed === columns.length;
      return {
        ...who(row),
        passed,
        total: columns.length,
        lastChange,
        /** How long since the learner's checks last changed, while some exercise is left. */
        stuckMs: done || lastChange === null ? null : now - lastChange,
        cells,
      };
    });
    return { workshop, now, columns, learners, history: this.history.slice(-5000) };
  }

  /** One learner's exercises, with the failing checks' expected/found and hints. */
  detail(learner: string) {
    const row = this.row(learner);
    return {
      ...who(row),
      exercises: this.options.columns().map((c) => {
        const cell = row.cells.get(cellKey(c.lab, c.exercise));
        return {
          ...c,
          state: cell?.state ?? 'unknown',
          since: cell?.since ?? null,
          failing: (cell?.checks ?? []).filter((check) => check.status !== 'pass'),
          passing: (cell?.checks ?? []).filter((check) => check.status === 'pass').map((check) => check.title),
        };
      }),
    };
  }
}
