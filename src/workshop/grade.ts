// A report for the whole class: every learner's cluster graded with `kubelab check`'s session
// code and read-only checker identity, rendered with the engine's own formats (one JUnit
// suite per learner and lab) or as a spreadsheet row per learner.
import { errorLine } from '../errors.ts';
import type { Lab } from '../engine/model.ts';
import { classroom, json, junit, totals } from '../engine/report.ts';
import type { CheckResult } from '../engine/run.ts';
import { learnerTarget } from './clusters.ts';
import type { Learner } from './learners.ts';
import type { WorkshopRecord } from './state.ts';

export const classFormats = ['junit', 'json', 'classroom', 'csv'] as const;
export type ClassFormat = (typeof classFormats)[number];

export interface LearnerGrade {
  learner: Learner;
  results: CheckResult[];
  /** Why the learner's cluster could not be graded (down, missing); every check then says so. */
  error?: string;
}

/** Each check of the labs, as the error that kept it from running. */
function unreachable(labs: Lab[], reason: string): CheckResult[] {
  return labs.flatMap((lab) =>
    lab.exercises.flatMap((exercise) =>
      exercise.checks.map((check) => ({
        lab: lab.id,
        exercise: exercise.id,
        check: check.id,
        title: check.title,
        status: 'error' as const,
        points: 0,
        maxPoints: check.points,
        reason: `the check could not run: ${reason}`,
        hint: check.hint,
        durationMs: 0,
        evidence: [],
      })),
    ),
  );
}

export async function gradeLearner(record: WorkshopRecord, learner: Learner, labs: Lab[]): Promise<LearnerGrade> {
  const { checkLab } = await import('../engine/session.ts');
  const results: CheckResult[] = [];
  try {
    for (const lab of labs) results.push(...(await checkLab(lab, undefined, learnerTarget(record, learner), { timeoutMs: 0 })));
    return { learner, results };
  } catch (error) {
    const reason = errorLine(error).replace(/^kubelab: /, '');
    return { learner, results: unreachable(labs, reason), error: reason };
  }
}

/** The learner's results under "<learner>/<lab>", so that the engine's formats keep learners apart. */
function namedFor(grade: LearnerGrade): CheckResult[] {
  return grade.results.map((r) => ({ ...r, lab: `${grade.learner.id}/${r.lab}` }));
}

const csvCell = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** One row per learner: totals, then the points of each exercise. */
export function csv(grades: LearnerGrade[], labs: Lab[]): string {
  const exercises = labs.flatMap((lab) => lab.exercises.map((e) => ({ lab: lab.id, exercise: e.id })));
  const head = ['learner', 'name', 'cluster', 'points', 'max_points', 'checks_passed', 'checks', 'status'];
  const rows = grades.map((g) => {
    const t = totals(g.results);
    const per = exercises.map(({ lab, exercise }) =>
      g.results.filter((r) => r.lab === lab && r.exercise === exercise).reduce((sum, r) => sum + r.points, 0),
    );
    return [g.learner.id, g.learner.name, g.learner.cluster, t.points, t.maxPoints, t.passed, t.total, g.error ?? 'graded', ...per];
  });
  return `${[[...head, ...exercises.map((e) => `${e.lab}/${e.exercise}`)], ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

export function renderClass(format: ClassFormat, grades: LearnerGrade[], labs: Lab[]): string {
  switch (format) {
    case 'junit':
      return junit(grades.flatMap(namedFor));
    case 'json':
      return `${JSON.stringify(
        {
          ...totals(grades.flatMap((g) => g.results)),
          learners: grades.map((g) => ({
            learner: g.learner.id,
            name: g.learner.name,
            cluster: g.learner.cluster,
            ...(g.error ? { error: g.error } : {}),
            ...JSON.parse(json(g.results)),
          })),
        },
        null,
        2,
      )}\n`;
    case 'classroom':
      // GitHub Classroom's autograding result, once per learner.
      return `${JSON.stringify(Object.fromEntries(grades.map((g) => [g.learner.id, JSON.parse(classroom(g.results))])), null, 2)}\n`;
    case 'csv':
      return csv(grades, labs);
  }
}
