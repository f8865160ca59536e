// What the lab commands do, independent of how they are invoked (CLI, bridge, tests).
import { requireCapabilities, reshape, up } from '../cluster/lifecycle.ts';
import type { ClusterAccess } from '../cluster/provider.ts';
import { defaultShape, validateShape, type ClusterShape } from '../cluster/shape.ts';
import { resolveTarget, type ClusterTarget } from '../target.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { adminContext, readOnlyContext, userContext } from './context.ts';
import type { Lab, LabContext } from './model.ts';
import { getExercises, labs } from './registry.ts';
import { runChecks, type CheckResult, type RunOptions } from './run.ts';
import { runCommands, solutionCommands, solutionContext } from './solution.ts';

/** The cluster a lab command works on (see src/target.ts). */
export type TargetOptions = ClusterTarget;

export function labShape(lab: Lab, name: string): ClusterShape {
  const base = defaultShape(name);
  return validateShape({ ...base, ...lab.shape, nodes: lab.shape.nodes ?? base.nodes, name });
}

/** Runs every other lab's teardown: what they left (replicas filling the workers, a cordoned node) would block this one. */
async function clearOtherLabs(lab: Lab, ctx: LabContext, progress: Progress): Promise<void> {
  for (const other of labs.filter((l) => l.id !== lab.id && l.teardown)) {
    progress.update(`clearing what lab "${other.id}" left`);
    await other.teardown!(ctx);
  }
}

/**
 * Brings the cluster to the lab's shape (creating it if needed) and runs the lab's setup. On a
 * cluster that exists, what earlier labs left goes first, so that reshaping it (a kubelet's max
 * pods lowered, a node removed) does not meet their workloads.
 */
export async function startLab(lab: Lab, options: TargetOptions, progress: Progress = silentProgress): Promise<ClusterAccess> {
  const target = resolveTarget(options, 'create');
  const { provider, access } = target;
  requireCapabilities(provider, lab.needs ?? [], `lab "${lab.id}"`);
  const recorded = target.createdByKubelab ? provider.shapeOf(access.name) : undefined;
  if (recorded) await up(provider, recorded, progress);
  if (target.createdByKubelab && !recorded) await up(provider, labShape(lab, access.name), progress);
  const ctx = await adminContext(target);
  await clearOtherLabs(lab, ctx, progress);
  if (recorded) await reshape(provider, labShape(lab, access.name), progress);
  progress.step(`setting up lab "${lab.id}"`);
  await lab.setup(ctx);
  return access;
}

export async function checkLab(
  lab: Lab,
  exerciseId: string | undefined,
  options: TargetOptions,
  run: RunOptions = {},
): Promise<CheckResult[]> {
  const exercises = getExercises(lab, exerciseId);
  const { access, createdByKubelab } = resolveTarget(options, 'read');
  // The read-only identity is a ServiceAccount and RBAC objects: kubelab makes them only on its
  // own clusters, or on another with --yes; otherwise checks read with the user's credentials.
  const ctx = createdByKubelab || options.yes ? await readOnlyContext(access) : await userContext(access);
  return runChecks(lab, exercises, ctx, run);
}

export interface SolveOptions {
  /** Print the commands, run nothing. */
  show?: boolean;
  /** Where the commands and their output go, line by line. */
  say?: (line: string) => void;
}

/**
 * Applies the reference solution: each exercise's commands run as shown (solve --show prints
 * them and runs nothing). Returns the commands, per exercise.
 */
export async function solveLab(
  lab: Lab,
  exerciseId: string | undefined,
  options: TargetOptions,
  solve: SolveOptions = {},
): Promise<Record<string, string[] | undefined>> {
  const exercises = getExercises(lab, exerciseId);
  const target = resolveTarget(options, solve.show ? 'read' : 'write');
  const say = solve.say ?? (() => {});
  const shown: Record<string, string[] | undefined> = {};
  const ctx = solve.show ? undefined : await adminContext(target);
  for (const exercise of exercises) {
    const commands = await solutionCommands(exercise, solutionContext(target));
    shown[exercise.id] = commands;
    if (solve.show) continue;
    say(`# ${lab.id} / ${exercise.id}: ${exercise.title}`);
    if (commands) await runCommands(commands, target, say);
    else await exercise.solve!(ctx!);
  }
  return shown;
}

export async function resetLab(lab: Lab, exerciseId: string | undefined, options: TargetOptions): Promise<void> {
  const exercises = getExercises(lab, exerciseId);
  const ctx = await adminContext(resolveTarget(options, 'write'));
  for (const exercise of [...exercises].reverse()) await exercise.reset(ctx);
}
