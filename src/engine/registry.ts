import { UserError } from '../errors.ts';
import apiVersions from '../../checks/api-versions.ts';
import kubeadmInit from '../../checks/kubeadm-init.ts';
import maxPods from '../../checks/max-pods.ts';
import drain from '../../checks/drain.ts';
import type { Exercise, Lab } from './model.ts';

/** Every lab kubelab ships, in the order the site lists them. */
export const labs: Lab[] = [kubeadmInit, apiVersions, maxPods, drain];

export function getLab(id: string): Lab {
  const lab = labs.find((l) => l.id === id);
  if (!lab) throw new UserError(`unknown lab "${id}"`, { fix: `choose one of: ${labs.map((l) => l.id).join(', ')}` });
  return lab;
}

export function getExercises(lab: Lab, exerciseId?: string): Exercise[] {
  if (exerciseId === undefined) return lab.exercises;
  const exercise = lab.exercises.find((e) => e.id === exerciseId);
  if (!exercise) {
    throw new UserError(`lab "${lab.id}" has no exercise "${exerciseId}"`, { fix: `choose one of: ${lab.exercises.map((e) => e.id).join(', ')}` });
  }
  return [exercise];
}
