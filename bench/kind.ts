// kubelab on kind, side by side in one run, interleaved:
//   - `kubelab up --provider kind` (3 nodes) to every node Ready and kube-system Running, vs
//     `kind create cluster` with the same image and config and the same wait (kubectl wait);
//   - `kubelab up` on the local provider, same shape;
//   - memory of each running 3-node cluster, 20 s after up: docker stats for kind (sum over its
//     node containers), PSS summed over the local cluster's processes;
//   - `kubelab image build` when nothing changed, and when only the node assembly is redone
//     (a new tag: component images and the node image; Debian and Go steps cached).
//
//   npm run bench:kind -- [runs]        (default 5)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from '../src/binaries/index.ts';
import { findKind } from '../src/cluster/kind/cli.ts';
import { nodePatches, renderKindConfig } from '../src/cluster/kind/config.ts';
import { hostCgroupVersion } from '../src/cluster/kind/host.ts';
import { nodeImageTag } from '../src/cluster/kind/image/recipe.ts';
import { defaultShape } from '../src/cluster/shape.ts';
import { packageRoot } from '../src/paths.ts';
import { consoleProgress } from '../src/progress.ts';

const runs = Number(process.argv[2] ?? 5);
const bin = await ensureBinaries(consoleProgress());
const cli = join(packageRoot, 'bin', 'kubelab.js');
const image = nodeImageTag();
const kind = findKind();
if (!kind) throw new Error('no kind CLI: run kubelab image build first');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 900_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
  return result.stdout;
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

const MiB = 1024 * 1024;
/** Both kinds of cluster settle as long after up (informer syncs, first collections) before memory is read. */
const SETTLE_S = 20;

/** docker stats' memory use, summed over a kind cluster's node containers, in MiB. */
function dockerMemory(cluster: string): number {
  const names = run('docker', ['ps', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'])
    .split('\n')
    .filter(Boolean);
  const out = run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...names]);
  const units: Record<string, number> = { B: 1 / MiB, KiB: 1 / 1024, MiB: 1, GiB: 1024 };
  return out
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => {
      const [, value = '0', unit = 'MiB'] = /^([\d.]+)\s*([KMG]?i?B)/.exec(line) ?? [];
      return sum + Number(value) * (units[unit] ?? 1);
    }, 0);
}

/** PSS summed over every process whose command line names the local cluster's state directory, in MiB. */
function localMemory(home: string): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(home)) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kib += Number(pss?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return kib / 1024;
}

function kubelabKind(i: number): { seconds: number; mib: number } {
  const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  const env = { KUBELAB_HOME: home };
  const name = `kbench${i}`;
  try {
    const seconds = timed(() => run(process.execPath, [cli, 'up', '--provider', 'kind', '--name', name], env));
    spawnSync('sleep', [String(SETTLE_S)]);
    return { seconds, mib: dockerMemory(name) };
  } finally {
    run(process.execPath, [cli, 'delete', '--name', name], env);
    rmSync(home, { recursive: true, force: true });
  }
}

/** kind itself, given the config kubelab would write, and the wait kubelab does: nodes Ready, kube-system Ready. */
function kindCreate(i: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'kind-bench-'));
  const name = `rbench${i}`;
  const shape = defaultShape(name);
  const kubeconfig = join(dir, 'kubeconfig');
  try {
    const patchesRoot = join(dir, 'patches');
    for (const node of shape.nodes) {
      mkdirSync(join(patchesRoot, node.name), { recursive: true });
      for (const [file, text] of Object.entries(nodePatches(node))) writeFileSync(join(patchesRoot, node.name, file), text);
    }
    return timed(() => {
      const config = join(dir, 'kind.yaml');
      writeFileSync(config, renderKindConfig(shape, { kubernetesVersion: 'v1.36.3', cgroupV1: hostCgroupVersion() === 1, patchesRoot }));
      run(kind!, ['create', 'cluster', '--name', name, '--image', image, '--config', config, '--kubeconfig', kubeconfig, '--wait', '120s']);
      run(bin.path('kubectl'), ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=300s']);
      run(bin.path('kubectl'), [
        '--kubeconfig',
        kubeconfig,
        '-n',
        'kube-system',
        'wait',
        '--for=condition=Ready',
        'pod',
        '--all',
        '--timeout=300s',
      ]);
    });
  } finally {
    spawnSync(kind!, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function kubelabLocal(i: number): { seconds: number; mib: number } {
  const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-'));
  const env = { KUBELAB_HOME: home };
  try {
    const seconds = timed(() => run(process.execPath, [cli, 'up', '--provider', 'local', '--name', `lbench${i}`], env));
    spawnSync('sleep', [String(SETTLE_S)]);
    return { seconds, mib: localMemory(home) };
  } finally {
    run(process.execPath, [cli, 'delete', '--name', `lbench${i}`], env);
    rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!existsSync(join(packageRoot, 'node_modules'))) throw new Error('run npm install first');
const ours: number[] = [];
const kindOnly: number[] = [];
const local: number[] = [];
const kindMiB: number[] = [];
const localMiB: number[] = [];
for (let i = 0; i < runs; i++) {
  const a = kubelabKind(i);
  ours.push(a.seconds);
  kindMiB.push(a.mib);
  kindOnly.push(kindCreate(i));
  const c = kubelabLocal(i);
  local.push(c.seconds);
  localMiB.push(c.mib);
  console.log(
    `run ${i + 1}/${runs}: kubelab up (kind) ${a.seconds.toFixed(1)} s ${a.mib.toFixed(0)} MiB, kind create ${kindOnly.at(-1)!.toFixed(1)} s, kubelab up (local) ${c.seconds.toFixed(1)} s ${c.mib.toFixed(0)} MiB`,
  );
}

const unchanged = timed(() => run(process.execPath, [cli, 'image', 'build']));
const reassembled = timed(() => run(process.execPath, [cli, 'image', 'build', '--tag', 'kubelab/node:bench']));
run('docker', ['rmi', 'kubelab/node:bench']);

const k = median(ours);
const r = median(kindOnly);
const l = median(local);
console.log(`\nmedians over ${runs} runs (image and binaries built; 3 nodes; up → nodes Ready, kube-system Ready):`);
console.log(`  kubelab up --provider kind        ${k.toFixed(1)} s`);
console.log(`  kind create cluster + same wait   ${r.toFixed(1)} s`);
console.log(`  kubelab up --provider local       ${l.toFixed(1)} s`);
console.log(`  ratio kubelab(kind) / kind        ${(k / r).toFixed(2)}×   (overhead ${(((k - r) / r) * 100).toFixed(0)} %)`);
console.log(`  ratio local / kubelab(kind)       ${(l / k).toFixed(2)}×`);
console.log(`memory of a running 3-node cluster (medians):`);
console.log(`  kind (docker stats, sum)          ${median(kindMiB).toFixed(0)} MiB`);
console.log(`  local (PSS, sum)                  ${median(localMiB).toFixed(0)} MiB`);
console.log(`  ratio local / kind                ${(median(localMiB) / median(kindMiB)).toFixed(2)}×`);
console.log(`kubelab image build:`);
console.log(`  nothing changed                   ${unchanged.toFixed(1)} s`);
console.log(`  node assembly redone (new tag)    ${reassembled.toFixed(1)} s`);
