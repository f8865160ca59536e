// The course: the labs found in checks/, loaded once when kubelab starts.
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { packageRoot } from '../paths.ts';
import { discoverLabs } from './discover.ts';
import type { Exercise, Lab } from './model.ts';

/** Where kubelab's own labs live, one folder each. */
export const COURSE_DIR = join(packageRoot, 'checks');

/** Every lab kubelab ships, in course order. */
export const labs: Lab[] = await discoverLabs([COURSE_DIR]);

export function getLab(id: string): Lab {
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new UserError(`unknown lab "${id}"`, { fix: `choose one of: ${labs.map((l) => l.id).join(', ')}` });
  return lab;
}

export function getExercises(lab: Lab, exerciseId?: string): Exercise[] {
  if (exerciseId === undefined) return lab.exercises;
  const exercise = lab.exercises.find((e) => e.id === exerciseId);
  if (!exercise) {
    throw new UserError(`lab "${lab.id}" has no exercise "${exerciseId}"`, {
      fix: `choose one of: ${lab.exercises.map((e) => e.id).join(', ')}`,
    });
  }
  return [exercise];
}
