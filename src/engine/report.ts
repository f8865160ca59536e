import type { CheckResult } from './run.ts';

export type Format = 'human' | 'json' | 'junit' | 'classroom';
export const formats: Format[] = ['human', 'json', 'junit', 'classroom'];

export function totals(results: CheckResult[]): { points: number; maxPoints: number; passed: number; total: number } {
  return {
    points: results.reduce((sum, r) => sum + r.points, 0),
    maxPoints: results.reduce((sum, r) => sum + r.maxPoints, 0),
    passed: results.filter((r) => r.status === 'pass').length,
    total: results.length,
  };
}

export function human(results: CheckResult[], debug = false): string {
  const lines: string[] = [];
  let exercise = '';
  for (const r of results) {
    const heading = `${r.lab} / ${r.exercise}`;
    if (heading !== exercise) {
      lines.push(heading);
      exercise = heading;
    }
    const mark = r.status === 'pass' ? '✓' : '✗';
    lines.push(`  ${mark} ${r.title}  [${r.points}/${r.maxPoints}]`);
    lines.push(`      ${r.reason}`);
    if (r.status !== 'pass') lines.push(`      hint: ${r.hint}`);
    if (debug && r.status !== 'pass' && r.evidence.length) {
      for (const item of r.evidence)
        lines.push(
          ...JSON.stringify(item, null, 2)
            .split('\n')
            .map((l) => `      | ${l}`),
        );
    }
  }
  const t = totals(results);
  lines.push(`${t.passed}/${t.total} checks passed, ${t.points}/${t.maxPoints} points`);
  return `${lines.join('\n')}\n`;
}

export function json(results: CheckResult[]): string {
  return `${JSON.stringify({ ...totals(results), results }, null, 2)}\n`;
}

const xml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** JUnit XML: one testsuite per lab, one testcase per check. */
export function junit(results: CheckResult[]): string {
  const labs = [...new Set(results.map((r) => r.lab))];
  const suites = labs.map((lab) => {
    const cases = results.filter((r) => r.lab === lab);
    const failures = cases.filter((r) => r.status === 'fail').length;
    const errors = cases.filter((r) => r.status === 'error').length;
    const time = cases.reduce((s, r) => s + r.durationMs, 0) / 1000;
    const body = cases
      .map((r) => {
        const open = `    <testcase classname="${xml(`${r.lab}.${r.exercise}`)}" name="${xml(r.title)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
        const detail = `${r.reason}\nhint: ${r.hint}`;
        if (r.status === 'pass') return `${open}</testcase>`;
        const tag = r.status === 'fail' ? 'failure' : 'error';
        return `${open}\n      <${tag} message="${xml(r.reason)}">${xml(detail)}</${tag}>\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${xml(lab)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">\n${body}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The GitHub Classroom autograding result shape. */
export function classroom(results: CheckResult[]): string {
  const tests = results.map((r) => ({
    name: `${r.lab}/${r.exercise}: ${r.title}`,
    status: r.status === 'pass' ? 'pass' : r.status,
    score: r.points,
    message: r.status === 'pass' ? r.reason : `${r.reason} — hint: ${r.hint}`,
  }));
  return `${JSON.stringify({ version: 1, status: tests.every((t) => t.status === 'pass') ? 'pass' : 'fail', max_score: totals(results).maxPoints, tests }, null, 2)}\n`;
}

export function render(format: Format, results: CheckResult[], debug = false): string {
  switch (format) {
    case 'human':
      return human(results, debug);
    case 'json':
      return json(results);
    case 'junit':
      return junit(results);
    case 'classroom':
      return classroom(results);
  }
}
