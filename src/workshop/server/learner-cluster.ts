// A learner's cluster as the bridge sees it: the bridge's own Cluster (the same allowlisted reads,
// watches, checks and actions), which also hands each check's results to the instructor's grid
// and tells a learner whose cluster is down to ask the instructor, not to run kubelab serve.
import { Cluster, type ClusterTarget } from '../../bridge/cluster.ts';
import { HttpError } from '../../bridge/http.ts';
import type { CheckResult } from '../../engine/run.ts';

export class LearnerCluster extends Cluster {
  private readonly onResults: (lab: string, results: CheckResult[]) => void;

  constructor(target: ClusterTarget, onResults: (lab: string, results: CheckResult[]) => void) {
    super(target);
    this.onResults = onResults;
  }

  override async check(labId: string, exerciseId: string | undefined, timeoutMs: number | undefined): Promise<CheckResult[]> {
    const results = await super.check(labId, exerciseId, timeoutMs);
    this.onResults(labId, results);
    return results;
  }

  override httpError(error: unknown): HttpError {
    const answer = super.httpError(error);
    if (answer.status !== 503) return answer;
    return new HttpError(503, `your lab cluster "${this.target.name}" is not answering — tell your instructor (kubelab workshop status)`);
  }
}
