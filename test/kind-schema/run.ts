// Builds and runs the kind-schema Go program (main.go beside this file) for the tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';

export interface KindView {
  file: string;
  /** kind's own load-or-validate error, when it refuses the config. */
  error?: string;
  name?: string;
  networking: { IPFamily: string; APIServerAddress: string; PodSubnet: string; ServiceSubnet: string };
  nodes?: { role: string; container: string; kubeadmConfig: string }[];
}

const dir = join(packageRoot, 'test', 'kind-schema');

export function hasGo(): boolean {
  return spawnSync('go', ['version']).status === 0;
}

/** Compiles the program once per test file (Go's build cache makes later builds quick). */
export function buildKindSchema(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'kind-schema-')), 'kind-schema');
  const result = spawnSync('go', ['build', '-o', out, '.'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`go build of test/kind-schema failed: ${result.stderr || result.error?.message}`);
  return out;
}

/** What kind makes of each config text: its validation error, or each node's container and kubeadm config. */
export function kindView(binary: string, configs: string[], kubernetesVersion = 'v1.36.3'): KindView[] {
  const work = mkdtempSync(join(tmpdir(), 'kind-configs-'));
  const files = configs.map((text, i) => {
    const file = join(work, `config-${i}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  const result = spawnSync(binary, ['-kubernetes-version', kubernetesVersion, ...files], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`kind-schema failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as KindView[];
}
