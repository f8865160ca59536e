// `kubelab test <lab>`: the self-test every lab must pass, with a line per step. On a real
// cluster and for each exercise: its checks fail before the solution (some check fails, none
// errors), pass after it, and fail again after reset. The first step that goes wrong stops the
// test and shows what each check said.
import type { Lab } from '../../engine/model.ts';
import type { CheckResult } from '../../engine/run.ts';
import { checkLab, resetLab, solveLab, startLab } from '../../engine/session.ts';
import { errorLine } from '../../errors.ts';
import { silentProgress, type Progress } from '../../progress.ts';
import { resolveTarget, type ClusterTarget } from '../../target.ts';

export interface SelfTestOptions {
  target: ClusterTarget & { name: string };
  /** How long the checks may poll after the solution. */
  timeoutMs: number;
  /** Keep a cluster this test made (it is removed otherwise). */
  keep?: boolean;
  say: (line: string) => void;
  progress?: Progress;
}

const count = (results: CheckResult[], status: string) => results.filter((r) => r.status === status).length;

function details(results: CheckResult[]): string[] {
  return results.map((r) => `      ${r.status === 'pass' ? '✓' : '✗'} ${r.check} (${r.status}): ${r.reason}`);
}

/** Some check failed and none errored (an error is a broken check, not an unsolved exercise). */
function failing(results: CheckResult[]): string | undefined {
  if (count(results, 'error')) return `${count(results, 'error')} check(s) could not run`;
  if (!count(results, 'fail')) return 'every check passes, so the checks cannot tell solved from unsolved';
  return undefined;
}

function passing(results: CheckResult[]): string | undefined {
  const bad = results.length - count(results, 'pass');
  return bad ? `${bad} of ${results.length} check(s) do not pass` : undefined;
}

class StepFailed extends Error {}

export async function selfTestLab(lab: Lab, options: SelfTestOptions): Promise<boolean> {
  const { target, say } = options;
  const progress = options.progress ?? silentProgress;
  const started = Date.now();
  const { provider, access } = resolveTarget(target, 'create');
  const made = !provider.shapeOf(access.name);
  const step = async (label: string, run: () => Promise<string>) => {
    try {
      say(`  ✓ ${label}: ${await run()}`);
    } catch (error) {
      if (!(error instanceof StepFailed)) say(`  ✗ ${label}: ${errorLine(error).replace(/^kubelab: /, '')}`);
      throw new StepFailed(label);
    }
  };
  const judged = async (label: string, exercise: string, verdict: (r: CheckResult[]) => string | undefined, timeoutMs: number) =>
    step(label, async () => {
      const results = await checkLab(lab, exercise, target, { timeoutMs });
      const wrong = verdict(results);
      if (wrong) {
        say(`  ✗ ${label}: ${wrong}`);
        for (const line of details(results)) say(line);
        throw new StepFailed(label);
      }
      return `${count(results, 'pass')} of ${results.length} check(s) pass`;
    });
  try {
    say(`• lab "${lab.id}" on cluster "${access.name}" (${provider.name})${made ? '' : ', which exists: it is reused and kept'}`);
    await startLab(lab, target, progress);
    for (const exercise of lab.exercises) {
      say(`${lab.id} / ${exercise.id} — ${exercise.title}`);
      await judged('before solve, the checks fail', exercise.id, failing, 0);
      await step('solve', async () => {
        const lines: string[] = [];
        const shown = await solveLab(lab, exercise.id, target, { say: (line) => lines.push(line) });
        for (const line of lines.filter((l) => l.startsWith('$'))) say(`      ${line}`);
        return shown[exercise.id] ? `${shown[exercise.id]!.length} command(s) ran` : 'solved in code';
      });
      await judged('after solve, the checks pass', exercise.id, passing, options.timeoutMs);
      await step('reset', async () => {
        await resetLab(lab, exercise.id, target);
        return 'back to the starting state';
      });
      await judged('after reset, the checks fail again', exercise.id, failing, 0);
    }
    say(`✓ lab "${lab.id}" passes its self-test: ${lab.exercises.length} exercise(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    if (!(error instanceof StepFailed)) say(`  ✗ ${errorLine(error).replace(/^kubelab: /, '')}`);
    say(`✗ lab "${lab.id}" fails its self-test`);
    return false;
  } finally {
    if (made && !options.keep) {
      progress.update(`removing cluster "${access.name}"`);
      await provider.remove(access.name, silentProgress);
    } else if (made) say(`  (cluster "${access.name}" kept: kubelab delete --name ${access.name} removes it)`);
  }
}
