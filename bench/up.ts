// Median wall time from `kubelab up` (a new cluster) to every node Ready and every
// kube-system pod Running, side by side with `kwokctl create cluster --runtime binary`
// given the same binaries, followed by three nodes and a wait for them to be Ready.
//
//   npm run bench -- [runs]        (default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from '../src/binaries/index.ts';
import { kwokctlCreateArgs } from './kwokctl.ts';
import { packageRoot } from '../src/paths.ts';
import { consoleProgress } from '../src/progress.ts';

const runs = Number(process.argv[2] ?? 5);
const bin = await ensureBinaries(consoleProgress());

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

function kubelabUp(i: number): number {
  const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  const env = { KUBELAB_HOME: home };
  const cli = join(packageRoot, 'bin', 'kubelab.js');
  try {
    // `up` returns once every node is Ready and every kube-system pod Running.
    return timed(() => run(process.execPath, [cli, 'up', '--provider', 'local', '--name', `bench${i}`], env));
  } finally {
    run(process.execPath, [cli, 'delete', '--name', `bench${i}`], env);
    rmSync(home, { recursive: true, force: true });
  }
}

function kwokctlUp(i: number): number {
  const workdir = mkdtempSync(join(tmpdir(), 'kwokctl-bench-'));
  const env = { KWOK_WORKDIR: workdir };
  const name = `bench${i}`;
  const kwokctl = bin.path('kwokctl');
  try {
    return timed(() => {
      run(kwokctl, kwokctlCreateArgs(bin, name), env);
      run(kwokctl, ['scale', 'node', '--name', name, '--replicas', '3'], env);
      const kubeconfig = join(workdir, 'clusters', name, 'kubeconfig.yaml');
      run(bin.path('kubectl'), ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s']);
    });
  } finally {
    spawnSync(kwokctl, ['delete', 'cluster', '--name', name], { env: { ...process.env, ...env } });
    rmSync(workdir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const ours: number[] = [];
const theirs: number[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so both see the same machine conditions.
  ours.push(kubelabUp(i));
  theirs.push(kwokctlUp(i));
  console.log(`run ${i + 1}/${runs}: kubelab up ${ours.at(-1)!.toFixed(2)} s, kwokctl ${theirs.at(-1)!.toFixed(2)} s`);
}
const a = median(ours);
const b = median(theirs);
console.log(`\nmedian over ${runs} runs (binaries cached):`);
console.log(`  kubelab up → nodes Ready, kube-system Running     ${a.toFixed(2)} s`);
console.log(`  kwokctl create cluster (binary) + 3 nodes Ready   ${b.toFixed(2)} s`);
console.log(`  ratio kubelab / kwokctl                           ${(a / b).toFixed(2)}×`);
