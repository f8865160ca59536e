import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { KubeConfig } from '@kubernetes/client-node';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { LocalProvider } from '../../src/cluster/local/index.ts';
import type { ClusterAccess } from '../../src/cluster/provider.ts';
import { defaultShape, type ClusterShape, type NodeShape } from '../../src/cluster/shape.ts';
import { clients, loadKubeConfig, type Clients } from '../../src/kube/client.ts';
import { silentProgress } from '../../src/progress.ts';
import { packageRoot } from '../../src/paths.ts';
import { up } from '../../src/cluster/lifecycle.ts';

/** A private state directory per test file, so tests never touch a learner's clusters. */
export function isolateState(): string {
  const home = mkdtempSync(join(tmpdir(), 'kubelab-test-'));
  process.env.KUBELAB_HOME = home;
  return home;
}

export function shape(name: string, nodes?: NodeShape[]): ClusterShape {
  const base = defaultShape(name);
  return nodes ? { ...base, nodes } : base;
}

export interface TestCluster extends Clients {
  provider: LocalProvider;
  access: ClusterAccess;
  kc: KubeConfig;
  kubectl(...args: string[]): { status: number; stdout: string; stderr: string };
}

export async function startCluster(clusterShape: ClusterShape): Promise<TestCluster> {
  const provider = new LocalProvider({ timeoutMs: 180_000 });
  const access = await up(provider, clusterShape, silentProgress);
  const kubectlPath = (await ensureBinaries()).path('kubectl');
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  return {
    ...clients(kc),
    provider,
    access,
    kubectl(...args: string[]) {
      const result = spawnSync(kubectlPath, ['--kubeconfig', access.kubeconfig, ...args], {
        encoding: 'utf8',
        timeout: 120_000,
        maxBuffer: 64 << 20,
      });
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** Runs the kubelab CLI as a user would. */
export function kubelab(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(packageRoot, 'bin', 'kubelab.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
}
