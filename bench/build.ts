// Wall time of `kubelab build` (Framework build plus the data loaders' snapshot of a running
// cluster), as a learner runs it. Target: ≤ 30 s.
//
//   node bench/build.ts [runs]        (default 3)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.ts';
import { CLUSTER, run } from '../test/e2e/processes.ts';

const runs = Number(process.argv[2] ?? 3);
const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-build-'));
process.env.KUBELAB_HOME = home;

try {
  const up = run(['up', '--name', CLUSTER, '--provider', 'local']);
  if (up.status !== 0) throw new Error(`kubelab up: ${up.stderr}`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [join(packageRoot, 'bin', 'kubelab.js'), 'build', '--name', CLUSTER, '--output', join(home, 'site')],
      { encoding: 'utf8', env: process.env },
    );
    if (result.status !== 0) throw new Error(`kubelab build: ${result.stderr}${result.stdout}`);
    times.push((performance.now() - started) / 1000);
    console.log(`run ${i + 1}: ${times.at(-1)!.toFixed(1)} s`);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(`kubelab build over ${runs} runs: median ${median.toFixed(1)} s (target ≤ 30 s)`);
} finally {
  run(['delete', '--name', CLUSTER]);
  rmSync(home, { recursive: true, force: true });
}
