// The course: the labs found in checks/ (and in the folders --labs names), loaded once when kubelab starts.
import { delimiter, join } from 'node:path';
import { UserError } from '../errors.ts';
import { packageRoot } from '../paths.ts';
import { discoverLabs } from './discover.ts';
import type { Exercise, Lab } from './model.ts';

/** Where kubelab's own labs live, one folder each. */
export const COURSE_DIR = join(packageRoot, 'checks');

/**
 * Lab folders outside this repository (kubelab --labs DIR, several allowed). The CLI puts them
 * in $KUBELAB_LABS, absolute and separated as in PATH, so every process it starts (the site's
 * build, a solution's `kubelab`) finds the same labs.
 */
export const EXTRA_LAB_DIRS: string[] = (process.env.KUBELAB_LABS ?? '').split(delimiter).filter(Boolean);

/** Every lab kubelab ships, and those of the extra folders, in course order. */
export const labs: Lab[] = await discoverLabs([COURSE_DIR, ...EXTRA_LAB_DIRS]);

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
