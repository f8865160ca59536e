// Grading speed on solved clusters: `kubelab grade` wall time per lab (the CLI as CI runs it)
// and in-process time of every check, plus the round trip of one passing check's first poll.
//
//   npm run bench:grade -- [runs]        (default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseProvider } from '../src/cluster/providers.ts';
import { readOnlyContext } from '../src/engine/context.ts';
import { labs } from '../src/engine/registry.ts';
import { runCheck } from '../src/engine/run.ts';
import { checkLab, solveLab, startLab } from '../src/engine/session.ts';
import { resolveTarget } from '../src/target.ts';
import { packageRoot } from '../src/paths.ts';
import { silentProgress } from '../src/progress.ts';

const runs = Number(process.argv[2] ?? 5);
process.env.KUBELAB_HOME = mkdtempSync(join(tmpdir(), 'kubelab-bench-grade-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The local provider's labs: the rest need kind's nodes (static pods, containers), and kind's
// start-up would swamp what this bench measures.
const local = chooseProvider('local', { name: 'grade' }).provider;
const graded = labs.filter((lab) => (lab.needs ?? []).every((c) => local.capabilities.includes(c)));
const skipped = labs.filter((lab) => !graded.includes(lab)).map((lab) => lab.id);

const cliTimes = new Map<string, number[]>();
const cliModules = new Map<string, number[]>();
const inProcess = new Map<string, number[]>();
try {
  for (const lab of graded) {
    // One cluster per lab: the labs want different node sets and workloads.
    const target = { name: `grade-${lab.id}`, provider: 'local' };
    await startLab(lab, target, silentProgress);
    await solveLab(lab, undefined, target);
    const settled = await checkLab(lab, undefined, target, { timeoutMs: 120_000 });
    if (!settled.every((r) => r.status === 'pass'))
      throw new Error(`${lab.id} is not fully solved: ${JSON.stringify(settled.filter((r) => r.status !== 'pass'))}`);
    for (let i = 0; i < runs; i++) {
      let start = performance.now();
      await checkLab(lab, undefined, target, { timeoutMs: 0 });
      inProcess.set(lab.id, [...(inProcess.get(lab.id) ?? []), performance.now() - start]);
      // The CLI as shipped (client-node from its bundle), then loading the package module by module.
      for (const [times, bundle] of [
        [cliTimes, '1'],
        [cliModules, '0'],
      ] as const) {
        start = performance.now();
        const result = spawnSync(
          process.execPath,
          [join(packageRoot, 'bin', 'kubelab.js'), 'grade', lab.id, '--name', target.name, '--timeout', '0'],
          { encoding: 'utf8', env: { ...process.env, KUBELAB_CLIENT_BUNDLE: bundle } },
        );
        if (result.status !== 0) throw new Error(`kubelab grade ${lab.id} failed: ${result.stdout}${result.stderr}`);
        times.set(lab.id, [...(times.get(lab.id) ?? []), performance.now() - start]);
      }
    }
  }

  // One passing check, first poll: the api-versions binding check on its solved cluster.
  const lab = labs.find((l) => l.id === 'api-versions')!;
  const ctx = await readOnlyContext(resolveTarget({ name: 'grade-api-versions' }, 'read').access);
  const exercise = lab.exercises[0]!;
  const firstPoll: number[] = [];
  for (let i = 0; i < Math.max(runs, 20); i++) {
    const result = await runCheck(lab, exercise, exercise.checks[0]!, ctx, { timeoutMs: 0 });
    if (result.status !== 'pass') throw new Error(result.reason);
    firstPoll.push(result.durationMs);
  }

  console.log(`medians over ${runs} runs, each lab on its own solved cluster:`);
  let cliSum = 0;
  let modulesSum = 0;
  let inSum = 0;
  for (const l of graded) {
    const c = median(cliTimes.get(l.id)!);
    const m = median(cliModules.get(l.id)!);
    const p = median(inProcess.get(l.id)!);
    cliSum += c;
    modulesSum += m;
    inSum += p;
    console.log(
      `  ${l.id.padEnd(16)} kubelab grade (CLI) ${(c / 1000).toFixed(2)} s   without the client bundle ${(m / 1000).toFixed(2)} s (${(c / m).toFixed(2)}×)   checks in process ${(p / 1000).toFixed(3)} s`,
    );
  }
  console.log(
    `  all ${graded.length} labs       kubelab grade (CLI) ${(cliSum / 1000).toFixed(2)} s   without the client bundle ${(modulesSum / 1000).toFixed(2)} s   checks in process ${(inSum / 1000).toFixed(3)} s`,
  );
  if (skipped.length) console.log(`  (not on the local provider: ${skipped.join(', ')})`);
  console.log(`one passing check, first poll: median ${median(firstPoll)} ms over ${firstPoll.length} (target ≤ 300 ms)`);
} finally {
  for (const lab of graded)
    await chooseProvider('auto', { name: `grade-${lab.id}` })
      .provider.remove(`grade-${lab.id}`, silentProgress)
      .catch(() => {});
}
