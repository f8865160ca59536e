// Keeps the grid current: every few seconds, each learner's cluster is asked whether it answers,
// then the labs' checks run on it with the same engine and read-only checker identity as
// `kubelab check` (one look per check, no polling). A change made through the workshop
// (kubectl through the forward) grades that learner at once. A cluster that does not answer is
// marked down and tried again later; the others go on.
import { apiServerHealth } from '../cluster/api.ts';
import type { ClusterAccess } from '../cluster/provider.ts';
import { readOnlyContext } from '../engine/context.ts';
import type { CheckContext, Lab } from '../engine/model.ts';
import { runChecks } from '../engine/run.ts';
import { loadKubeConfig } from '../kube/client.ts';
import type { Board } from './board.ts';

export interface GraderOptions {
  board: Board;
  /** Each learner's cluster, as the grader reaches it. */
  clusters: Map<string, ClusterAccess>;
  labs: () => Lab[];
  /** Between two gradings of one learner; 0 grades only when poked. */
  everyMs: number;
  /** Learners graded at once. */
  parallel: number;
}

const DOWN_RETRY_MS = 5_000;
/** The checker's token lasts an hour; a new one is made well before. */
const CONTEXT_TTL_MS = 30 * 60_000;
const PROBE_MS = 3_000;

interface Slot {
  nextAt: number;
  busy: boolean;
  again: boolean;
  ctx?: { value: CheckContext; madeAt: number };
}

export class Grader {
  private readonly options: GraderOptions;
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | undefined;
  private running = 0;

  constructor(options: GraderOptions) {
    this.options = options;
    for (const id of options.clusters.keys()) this.slots.set(id, { nextAt: Date.now(), busy: false, again: false });
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 100);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Grades the learner as soon as possible (shortly, so that a burst of kubectl calls makes one grading). */
  poke(learner: string): void {
    const slot = this.slots.get(learner);
    if (!slot) return;
    if (slot.busy) slot.again = true;
    else slot.nextAt = Math.min(slot.nextAt, Date.now() + 150);
  }

  private tick(): void {
    const now = Date.now();
    for (const [learner, slot] of this.slots) {
      if (this.running >= this.options.parallel) return;
      if (slot.busy || slot.nextAt > now) continue;
      void this.grade(learner, slot);
    }
  }

  private async grade(learner: string, slot: Slot): Promise<void> {
    slot.busy = true;
    this.running++;
    let next = this.options.everyMs || Number.POSITIVE_INFINITY;
    try {
      await this.gradeOnce(learner, slot);
    } catch (error) {
      slot.ctx = undefined;
      this.options.board.health(learner, 'down', `cluster down: ${(error as Error).message.split('\n')[0]}`);
      next = DOWN_RETRY_MS;
    } finally {
      slot.busy = false;
      this.running--;
      slot.nextAt = slot.again ? Date.now() : Date.now() + next;
      slot.again = false;
    }
  }

  private async gradeOnce(learner: string, slot: Slot): Promise<void> {
    const access = this.options.clusters.get(learner)!;
    const admin = loadKubeConfig(access.kubeconfig, access.context);
    const api = await apiServerHealth(admin, PROBE_MS);
    if (!api.healthy) throw new Error(api.detail);
    if (!slot.ctx || Date.now() - slot.ctx.madeAt > CONTEXT_TTL_MS) slot.ctx = { value: await readOnlyContext(access), madeAt: Date.now() };
    const ctx = slot.ctx.value;
    this.options.board.health(learner, 'up');
    for (const lab of this.options.labs()) {
      const results = await runChecks(lab, lab.exercises, ctx, { timeoutMs: 0 });
      // A token the cluster no longer knows (it was made anew): a new checker context next time.
      if (results.some((r) => r.status === 'error' && /\b401\b|Unauthorized/.test(r.reason))) slot.ctx = undefined;
      this.options.board.record(learner, lab.id, results);
    }
  }
}
