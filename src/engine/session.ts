// What the lab commands do, independent of how they are invoked (CLI, bridge, tests).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chooseProvider } from '../cluster/providers.ts';
import type { ClusterAccess } from '../cluster/provider.ts';
import { defaultShape, validateShape, type ClusterShape } from '../cluster/shape.ts';
import { UserError } from '../errors.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { adminContext, readOnlyContext, userContext } from './context.ts';
import type { Lab } from './model.ts';
import { getExercises, labs } from './registry.ts';
import { runChecks, type CheckResult, type RunOptions } from './run.ts';

export interface TargetOptions {
  /** A kubelab cluster name. */
  name?: string;
  provider?: string;
  /** A kubeconfig context kubelab did not create; writes to it need `yes`. */
  context?: string;
  yes?: boolean;
}

export interface Target {
  access: ClusterAccess;
  createdByKubelab: boolean;
}

/** The cluster a command works on. Contexts kubelab did not create are read-only unless the user says yes. */
export function resolveTarget(options: TargetOptions, purpose: 'read' | 'write'): Target {
  if (options.context) {
    if (purpose === 'write' && !options.yes) {
      throw new UserError(`refusing to change context "${options.context}": kubelab did not create it`, { fix: `add --yes if you mean it (--context ${options.context} --yes)` });
    }
    const kubeconfig = process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
    return { access: { name: options.context, kubeconfig, context: options.context }, createdByKubelab: false };
  }
  const name = options.name ?? 'kubelab';
  const { provider } = chooseProvider(options.provider, { name: options.name ?? 'kubelab', context: options.context, yes: options.yes });
  if (!provider.shapeOf(name)) throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name} (or kubelab start <lab>)` });
  return { access: provider.access(name), createdByKubelab: true };
}

export function labShape(lab: Lab, name: string): ClusterShape {
  const base = defaultShape(name);
  return validateShape({ ...base, ...lab.shape, nodes: lab.shape.nodes ?? base.nodes, name });
}

/** Brings the cluster to the lab's shape (creating it if needed) and runs the lab's setup. */
export async function startLab(lab: Lab, options: TargetOptions, progress: Progress = silentProgress): Promise<ClusterAccess> {
  let access: ClusterAccess;
  if (options.context) {
    access = resolveTarget(options, 'write').access;
  } else {
    const name = options.name ?? 'kubelab';
    const { provider } = chooseProvider(options.provider, { name: options.name ?? 'kubelab', context: options.context, yes: options.yes });
    const shape = labShape(lab, name);
    access = provider.shapeOf(name) ? await provider.reshape(shape, progress) : await provider.up(shape, progress);
  }
  const ctx = await adminContext(access);
  for (const other of labs.filter((l) => l.id !== lab.id && l.teardown)) {
    progress.update(`clearing what lab "${other.id}" left`);
    await other.teardown!(ctx);
  }
  progress.step(`setting up lab "${lab.id}"`);
  await lab.setup(ctx);
  return access;
}

export async function checkLab(lab: Lab, exerciseId: string | undefined, options: TargetOptions, run: RunOptions = {}): Promise<CheckResult[]> {
  const exercises = getExercises(lab, exerciseId);
  const { access, createdByKubelab } = resolveTarget(options, 'read');
  // The read-only identity is a ServiceAccount and RBAC objects: kubelab makes them only on its
  // own clusters, or on another with --yes; otherwise checks read with the user's credentials.
  const ctx = createdByKubelab || options.yes ? await readOnlyContext(access) : await userContext(access);
  return runChecks(lab, exercises, ctx, run);
}

export async function solveLab(lab: Lab, exerciseId: string | undefined, options: TargetOptions): Promise<void> {
  const exercises = getExercises(lab, exerciseId);
  const ctx = await adminContext(resolveTarget(options, 'write').access);
  for (const exercise of exercises) await exercise.solve(ctx);
}

export async function resetLab(lab: Lab, exerciseId: string | undefined, options: TargetOptions): Promise<void> {
  const exercises = getExercises(lab, exerciseId);
  const ctx = await adminContext(resolveTarget(options, 'write').access);
  for (const exercise of [...exercises].reverse()) await exercise.reset(ctx);
}
