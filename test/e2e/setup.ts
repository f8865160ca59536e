// Global setup of the e2e project: one private state directory for the run. The files start
// the cluster they need (kubelab up is idempotent) so that nothing heavy runs before them;
// teardown deletes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kubelab } from '../helpers/cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubelabHome: string;
  }
}

export default function setup(project: TestProject): () => void {
  const home = mkdtempSync(join(tmpdir(), 'kubelab-e2e-'));
  project.provide('kubelabHome', home);
  return () => {
    const env = { KUBELAB_HOME: home };
    for (const name of kubelab(['list', '--provider', 'local'], env).stdout.split('\n').filter(Boolean))
      kubelab(['delete', '--name', name], env);
    rmSync(home, { recursive: true, force: true });
  };
}
