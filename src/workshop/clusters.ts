// Each learner's cluster, through the same target resolver and lifecycle as `kubelab up`: its
// own state directory, ports and checker identity come with it, as for any kubelab cluster.
import { up } from '../cluster/lifecycle.ts';
import type { ClusterStatus } from '../cluster/provider.ts';
import { defaultShape } from '../cluster/shape.ts';
import { UserError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import { resolveTarget, type ClusterTarget } from '../target.ts';
import type { Learner } from './learners.ts';
import type { LearnerRecord, WorkshopRecord } from './state.ts';

export type RecordWriter = (change: (record: WorkshopRecord) => void) => Promise<void>;

/** The learner's cluster as every kubelab command names one. */
export function learnerTarget(record: WorkshopRecord, learner: Learner): ClusterTarget & { name: string } {
  return { name: learner.cluster, provider: record.provider };
}

function createdByWorkshop(record: WorkshopRecord, learner: Learner): boolean {
  return record.learners.find((l) => l.id === learner.id)?.created === true;
}

/**
 * Creates the learner's cluster, or resumes it. A cluster of that name the workshop did not
 * create is refused: it is someone's, and `workshop delete` would never remove it.
 */
export async function upLearner(record: WorkshopRecord, learner: Learner, write: RecordWriter, progress: Progress): Promise<void> {
  const { provider, access } = resolveTarget(learnerTarget(record, learner), 'create');
  const shape = provider.shapeOf(access.name);
  if (shape && !createdByWorkshop(record, learner))
    throw new UserError(`cluster "${access.name}" exists and workshop "${record.name}" did not create it`, {
      fix: `remove it (kubelab delete --name ${access.name}) or give the workshop another --name`,
    });
  // Recorded before anything is made, so that a half-made cluster is still the workshop's to delete.
  if (!shape) await write((r) => setCreated(r, learner.id, true));
  await up(provider, shape ?? defaultShape(access.name), progress);
}

export async function downLearner(record: WorkshopRecord, learner: Learner, progress: Progress): Promise<void> {
  const { provider, access } = resolveTarget(learnerTarget(record, learner), 'create');
  if (!provider.shapeOf(access.name)) return;
  await provider.stop(access.name, quiet(progress));
}

/** Removes the learner's cluster when, and only when, this workshop created it. */
export async function deleteLearner(record: WorkshopRecord, learner: Learner, write: RecordWriter, progress: Progress): Promise<string> {
  if (!createdByWorkshop(record, learner)) return 'left alone: the workshop did not create it';
  const { provider, access } = resolveTarget(learnerTarget(record, learner), 'create');
  await provider.remove(access.name, quiet(progress));
  await write((r) => setCreated(r, learner.id, false));
  return `deleted cluster ${access.name}`;
}

export interface LearnerStatus {
  learner: string;
  name: string;
  cluster: string;
  exists: boolean;
  running: boolean;
  apiServer: boolean;
  nodesReady: string;
  provider?: string;
}

export async function statusOfLearner(record: WorkshopRecord, learner: Learner): Promise<LearnerStatus> {
  const base = { learner: learner.id, name: learner.name, cluster: learner.cluster };
  const { provider, access } = resolveTarget(learnerTarget(record, learner), 'create');
  if (!provider.shapeOf(access.name)) return { ...base, exists: false, running: false, apiServer: false, nodesReady: '-' };
  const status: ClusterStatus = await provider.status(access.name);
  return {
    ...base,
    exists: true,
    running: status.running,
    apiServer: status.components.some((c) => c.name === 'kube-apiserver' && c.healthy),
    nodesReady: `${status.nodes.filter((n) => n.ready).length}/${status.nodes.length}`,
    provider: status.provider,
  };
}

function setCreated(record: WorkshopRecord, id: string, created: boolean): void {
  const entry: LearnerRecord | undefined = record.learners.find((l) => l.id === id);
  if (entry) entry.created = created;
}

/** A provider's own done-lines would interleave with the class's: they become progress updates. */
function quiet(progress: Progress): Progress {
  return { step: progress.update, update: progress.update, done: progress.update };
}
