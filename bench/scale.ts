// Scale on the local provider, side by side with kwokctl given the same binaries:
//  1. 50 worker nodes and a Deployment of 5,000 pods: wall time from `kubectl apply` to all
//     5,000 Ready (kwok plays the kubelets, so Ready means scheduled and marked Running).
//  2. The max-pods lab at the notes' size (kubelab only): 800 replicas on five workers settle
//     at the stall, then every worker's max pods goes to 250 through its configuration file
//     and a kubelet restart, and all 800 become Ready.
//
//   npm run bench:scale -- [runs] [max-pods]   (default 5 runs; max-pods: only part 2)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from '../src/binaries/index.ts';
import { setMaxPods, up } from '../src/cluster/lifecycle.ts';
import { chooseProvider } from '../src/cluster/providers.ts';
import { defaultShape, parseNodes } from '../src/cluster/shape.ts';
import { consoleProgress, silentProgress } from '../src/progress.ts';
import { kwokctlCreateArgs } from './kwokctl.ts';

const runs = Number(process.argv[2] ?? 5);
const onlyMaxPods = process.argv[3] === 'max-pods';
const WORKERS = 50;
const PODS = 5000;
const bin = await ensureBinaries(consoleProgress());
const home = mkdtempSync(join(tmpdir(), 'kubelab-bench-scale-'));
process.env.KUBELAB_HOME = home;
const local = chooseProvider('local').provider;

/** A new local cluster of `nodes` nodes (the control plane first), its kubeconfig once all are Ready. */
async function localCluster(name: string, nodes: number): Promise<string> {
  const access = await up(local, { ...defaultShape(name), nodes: parseNodes(String(nodes)) }, silentProgress);
  return access.kubeconfig;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 600_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
  return result.stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const deployment = (name: string, namespace: string, replicas: number) => `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {run: ${name}}}
  template:
    metadata: {labels: {run: ${name}}}
    spec:
      containers: [{name: ${name}, image: registry.k8s.io/e2e-test-images/agnhost:2.63.0}]
`;

interface Counts {
  /** Pods the Deployment has made so far. */
  created: number;
  ready: number;
}

function counts(kubeconfig: string, name: string, namespace: string): Counts {
  const out = run(bin.path('kubectl'), [
    '--kubeconfig',
    kubeconfig,
    'get',
    'deployment',
    name,
    '-n',
    namespace,
    '-o',
    'jsonpath={.status.replicas} {.status.readyReplicas}',
  ]);
  const [created, ready] = out.split(' ').map((n) => Number(n || 0));
  return { created: created ?? 0, ready: ready ?? 0 };
}

/** Seconds from apply until `until(ready)` holds, polling the Deployment's status every 200 ms. */
async function applyAndWait(kubeconfig: string, replicas: number, until: (c: Counts) => boolean, limitS = 600): Promise<number> {
  const start = performance.now();
  run(bin.path('kubectl'), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {}, deployment('scale', 'scale', replicas));
  return waitFor(kubeconfig, start, until, limitS);
}

async function waitFor(kubeconfig: string, start: number, until: (c: Counts) => boolean, limitS: number): Promise<number> {
  for (;;) {
    const seen = counts(kubeconfig, 'scale', 'scale');
    if (until(seen)) return (performance.now() - start) / 1000;
    if (performance.now() - start > limitS * 1000) throw new Error(`only ${seen.ready} ready after ${limitS} s`);
    await sleep(200);
  }
}

async function kubelabScale(i: number): Promise<number> {
  const name = `scale${i}`;
  try {
    const kubeconfig = await localCluster(name, WORKERS + 1);
    return await applyAndWait(kubeconfig, PODS, ({ ready }) => ready === PODS);
  } finally {
    await local.remove(name, silentProgress);
  }
}

async function kwokctlScale(i: number): Promise<number> {
  const workdir = mkdtempSync(join(tmpdir(), 'kwokctl-bench-scale-'));
  const env = { KWOK_WORKDIR: workdir };
  const name = `scale${i}`;
  const kwokctl = bin.path('kwokctl');
  try {
    run(kwokctl, kwokctlCreateArgs(bin, name), env);
    run(kwokctl, ['scale', 'node', '--name', name, '--replicas', String(WORKERS)], env);
    const kubeconfig = join(workdir, 'clusters', name, 'kubeconfig.yaml');
    run(bin.path('kubectl'), ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=300s']);
    return await applyAndWait(kubeconfig, PODS, ({ ready }) => ready === PODS);
  } finally {
    spawnSync(kwokctl, ['delete', 'cluster', '--name', name], { env: { ...process.env, ...env } });
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** The max-pods lab at the notes' size: seconds to the stall, to raise every worker's limit, and to all Ready. */
async function maxPodsSettle(i: number): Promise<{ stall: number; raise: number; settle: number; stalledAt: number }> {
  const name = `maxpods${i}`;
  const replicas = 800;
  try {
    const kubeconfig = await localCluster(name, 6);
    // The stall is reached when every replica exists and the ready count has not moved for two
    // seconds (before all exist, a pause in creation is no stall).
    let last = -1;
    let since = performance.now();
    const stall = await applyAndWait(kubeconfig, replicas, ({ created, ready }) => {
      if (ready !== last || created < replicas) [last, since] = [ready, performance.now()];
      return ready > 0 && performance.now() - since >= 2000;
    });
    const stalledAt = last;
    const raiseStart = performance.now();
    const workers = local.shapeOf(name)!.nodes.filter((n) => n.role !== 'control-plane');
    await Promise.all(workers.map((w) => setMaxPods(local, name, w.name, 250)));
    const raise = (performance.now() - raiseStart) / 1000;
    const settle = await waitFor(kubeconfig, raiseStart, ({ ready }) => ready === replicas, 600);
    // The two seconds of stillness that define the stall are not part of the time to reach it.
    return { stall: stall - 2, raise, settle, stalledAt };
  } finally {
    await local.remove(name, silentProgress);
  }
}

const ours: number[] = [];
const theirs: number[] = [];
for (let i = 0; i < (onlyMaxPods ? 0 : runs); i++) {
  // Interleaved, so both see the same machine conditions.
  ours.push(await kubelabScale(i));
  theirs.push(await kwokctlScale(i));
  console.log(
    `run ${i + 1}/${runs}: ${PODS} pods on ${WORKERS} nodes: kubelab ${ours.at(-1)!.toFixed(2)} s, kwokctl ${theirs.at(-1)!.toFixed(2)} s`,
  );
}
const lab: { stall: number; raise: number; settle: number; stalledAt: number }[] = [];
for (let i = 0; i < runs; i++) {
  lab.push(await maxPodsSettle(i));
  const r = lab.at(-1)!;
  console.log(
    `run ${i + 1}/${runs}: max-pods lab: stall at ${r.stalledAt} ready after ${r.stall.toFixed(2)} s; raise to 250 ${r.raise.toFixed(2)} s; all 800 ready ${r.settle.toFixed(2)} s after the raise began`,
  );
}
const a = median(ours);
const b = median(theirs);
console.log(`\nmedian over ${runs} runs (binaries cached):`);
if (!onlyMaxPods) console.log(`  kubelab local: apply → ${PODS} pods Ready on ${WORKERS} nodes     ${a.toFixed(2)} s`);
if (!onlyMaxPods) console.log(`  kwokctl (binary runtime), same binaries, same workload   ${b.toFixed(2)} s`);
if (!onlyMaxPods) console.log(`  ratio kubelab / kwokctl                                  ${(a / b).toFixed(2)}×`);
console.log(`  max-pods lab: apply 800 → stall                          ${median(lab.map((r) => r.stall)).toFixed(2)} s`);
console.log(`  max-pods lab: raise five kubelets to 250                 ${median(lab.map((r) => r.raise)).toFixed(2)} s`);
console.log(`  max-pods lab: raise → all 800 Ready                      ${median(lab.map((r) => r.settle)).toFixed(2)} s`);
rmSync(home, { recursive: true, force: true });
