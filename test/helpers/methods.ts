// What the labs' method tests share: one lab started on its own cluster (local unless named), removed afterwards,
// and a learner's shell on it, so each test reads as the commands a learner would type.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import type { ClusterAccess } from '../../src/cluster/provider.ts';
import type { Lab } from '../../src/engine/model.ts';
import type { CheckResult } from '../../src/engine/run.ts';
import { startLab } from '../../src/engine/session.ts';
import { isolateState, kubelab } from './cluster.ts';

export interface LabOnLocal {
  target: { name: string; provider: string };
  /** Runs a command in bash as a learner would: KUBECONFIG set, the pinned kubectl and kubeadm first on PATH; fails the test on a non-zero exit. */
  sh(command: string): string;
}

/** Starts the lab on a fresh local cluster before the file's tests, and deletes it after them. */
export const labOnLocal = (lab: Lab, name: string): LabOnLocal => labOn(lab, name, 'local');

/** Starts the lab on a fresh cluster of the provider before the file's tests, and deletes it after them. */
export function labOn(lab: Lab, name: string, provider: string): LabOnLocal {
  isolateState();
  const target = { name, provider };
  let access: ClusterAccess;
  let binDir: string;
  beforeAll(async () => {
    access = await startLab(lab, target);
    binDir = (await ensureBinaries()).dir;
  });
  afterAll(() => {
    kubelab(['delete', '--name', name]);
  });
  return {
    target,
    sh(command) {
      const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], {
        encoding: 'utf8',
        env: { ...process.env, KUBECONFIG: access.kubeconfig, PATH: `${binDir}:${process.env.PATH}` },
        timeout: 120_000,
      });
      expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      return result.stdout;
    },
  };
}

export const statuses = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.check, r.status]));
export const reasonOf = (results: CheckResult[], check: string) => results.find((r) => r.check === check)!.reason;
