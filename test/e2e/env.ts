// What the e2e files share: a private state directory per run, where screenshots go, and the
// processes of processes.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { packageRoot } from '../../src/paths.ts';

export {
  CLUSTER,
  descendants,
  ensureCluster,
  freePort,
  kubeconfig,
  kubectl,
  nodeNames,
  refused,
  run,
  startServe,
  stillRunning,
  type ProcessInfo,
  type Serve,
} from './processes.ts';

export const RESULTS = join(packageRoot, 'test-results');

/** Points this worker at the run's private state directory. */
export function useHome(): string {
  const home = inject('kubelabHome');
  process.env.KUBELAB_HOME = home;
  mkdirSync(RESULTS, { recursive: true });
  return home;
}
