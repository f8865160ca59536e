import type { KubeConfig, CoreV1Api, AppsV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import type { NodeShape } from '../cluster/shape.ts';
import { NODE_CAPABILITIES, type KubeletConfigFile, type NodeCapability, type NodeShell } from '../cluster/provider.ts';

/** What a check saw: pass or not, with what was expected and what was found. */
export interface Observation {
  pass: boolean;
  expected: string;
  found: string;
  /** Objects and events the check looked at, shown by --debug. */
  evidence?: unknown[];
}

/** Read-only view of the cluster that checks get: their identity can get, list and watch, nothing more. */
export interface CheckContext {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  objects: KubernetesObjectApi;
}

export interface Check {
  id: string;
  title: string;
  points: number;
  hint: string;
  /** How long to keep polling before failing (default: one look). */
  timeoutMs?: number;
  run(ctx: CheckContext): Promise<Observation>;
}

/** What setup, solve and reset get: admin access, kubectl and the node operations labs need. */
export interface LabContext {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  objects: KubernetesObjectApi;
  /** Runs the pinned kubectl against the lab cluster; throws on a non-zero exit. */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Applies YAML documents client-side, as a learner's kubectl apply does (last-applied-configuration is recorded). */
  apply(yaml: string): Promise<void>;
  /** What only the cluster's provider can do to a node; absent on clusters kubelab did not create. */
  nodes?: NodeOperations;
}

/** What a solution may read to write its commands: the cluster (read-only) and how to reach its nodes. */
export interface SolutionContext extends CheckContext {
  /** The cluster's name, as kubelab commands take it (--name). */
  cluster: string;
  /** How to reach a node from a shell; absent on clusters kubelab did not create. */
  node?(name: string): NodeShell;
}

/** Node operations that happen outside the API (on the machine, in the kubelet), whatever the provider. */
export interface NodeOperations {
  /** Sets maxPods in the node's kubelet configuration file, restarts the kubelet and waits until the node reports it. */
  setMaxPods(node: string, maxPods: number): Promise<void>;
  /** The node's kubelet configuration file, where an administrator edits it. */
  kubeletConfig(node: string): KubeletConfigFile;
  /** Restarts the node's kubelet, which reads its configuration file; resolves once the Node reports it. */
  restartKubelet(node: string): Promise<void>;
  /** Re-registers a deleted node, as a rebuilt machine joining again would, and waits until it is Ready. */
  rebuild(node: string): Promise<void>;
  /** A new worker joins with this bootstrap token and CA hash (kubeadm join), and becomes Ready. */
  join(node: string, token: string, caCertHashes: string[]): Promise<void>;
  /** Removes a worker for good: its Node and whatever runs it. */
  remove(node: string): Promise<void>;
  /**
   * Runs a shell script as root on the node's own machine and returns its output; only nodes
   * with the `machines` capability have one (on the local provider it would be this machine).
   */
  run(node: string, script: string): Promise<string>;
}

export interface Exercise {
  id: string;
  title: string;
  /** What the learner is asked to do, in a sentence or two. */
  task: string;
  checks: Check[];
  /** The reference solution: reaches the state every check accepts. */
  solve?(ctx: LabContext): Promise<void>;
  /**
   * The reference solution as a learner would type it: shell commands, run in order by `kubelab
   * solve` (which prints each as it runs it) and printed without running by `kubelab solve --show`.
   * They run in bash with KUBECONFIG set and the pinned kubectl, kubeadm and kubelab on PATH.
   * Give this or solve; this is what a learner can read.
   */
  solution?(ctx: SolutionContext): string[] | Promise<string[]>;
  /** Undoes the exercise: back to the state right after setup. */
  reset(ctx: LabContext): Promise<void>;
}

export interface LabShape {
  nodes?: NodeShape[];
  podSubnet?: string;
  serviceSubnet?: string;
}

export interface Lab {
  /** The lab's folder name too: checks/<id>/index.ts. */
  id: string;
  title: string;
  summary: string;
  /**
   * Where the lab comes in the course: labs are listed, started by `grade` and self-tested by
   * ascending order, then by id; a lab without one comes after those that have one.
   */
  order?: number;
  /** What the lab's nodes must be able to do; a cluster whose provider cannot refuses the lab before it starts. */
  needs?: NodeCapability[];
  /** The cluster the lab needs; unspecified fields take the default shape. */
  shape: LabShape;
  /** Brings a fresh cluster to the lab's starting state. Must be idempotent. */
  setup(ctx: LabContext): Promise<void>;
  /**
   * Removes what this lab left that would get in another lab's way (its workloads, its
   * watchers), so that the labs can follow one another on one cluster. Runs before another lab
   * starts; must be idempotent and quick when there is nothing to remove.
   */
  teardown?(ctx: LabContext): Promise<void>;
  exercises: Exercise[];
}

const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function need(condition: boolean, lab: string, field: string, problem: string): void {
  if (!condition) throw new UserError(`lab "${lab}" is malformed: ${field} ${problem}`);
}

/** Validates a lab definition when it loads, naming the first bad field. */
export function defineLab(lab: Lab): Lab {
  const id = typeof lab?.id === 'string' ? lab.id : '?';
  need(ID.test(id), id, 'id', 'must be lower-case letters, digits and dashes');
  need(typeof lab.title === 'string' && lab.title.length > 0, id, 'title', 'is missing');
  need(lab.order === undefined || Number.isFinite(lab.order), id, 'order', 'must be a number when given');
  need(typeof lab.setup === 'function', id, 'setup', 'must be a function');
  need(lab.teardown === undefined || typeof lab.teardown === 'function', id, 'teardown', 'must be a function when given');
  const capabilities: readonly string[] = NODE_CAPABILITIES;
  need(
    lab.needs === undefined || (Array.isArray(lab.needs) && lab.needs.every((c) => capabilities.includes(c))),
    id,
    'needs',
    `must list some of ${capabilities.join(', ')}`,
  );
  need(Array.isArray(lab.exercises) && lab.exercises.length > 0, id, 'exercises', 'must list at least one exercise');
  const exerciseIds = new Set<string>();
  lab.exercises.forEach((exercise, i) => {
    const at = `exercises[${i}]`;
    need(ID.test(exercise?.id ?? ''), id, `${at}.id`, 'must be lower-case letters, digits and dashes');
    need(!exerciseIds.has(exercise.id), id, `${at}.id`, `"${exercise.id}" is used twice`);
    exerciseIds.add(exercise.id);
    need(typeof exercise.task === 'string' && exercise.task.length > 0, id, `${at}.task`, 'is missing');
    need(
      typeof exercise.solve === 'function' || typeof exercise.solution === 'function',
      id,
      `${at}.solution`,
      'must be a function (or give solve)',
    );
    need(typeof exercise.reset === 'function', id, `${at}.reset`, 'must be a function');
    need(Array.isArray(exercise.checks) && exercise.checks.length > 0, id, `${at}.checks`, 'must list at least one check');
    const checkIds = new Set<string>();
    exercise.checks.forEach((check, j) => {
      const cat = `${at}.checks[${j}]`;
      need(ID.test(check?.id ?? ''), id, `${cat}.id`, 'must be lower-case letters, digits and dashes');
      need(!checkIds.has(check.id), id, `${cat}.id`, `"${check.id}" is used twice`);
      checkIds.add(check.id);
      need(Number.isFinite(check.points) && check.points >= 0, id, `${cat}.points`, 'must be a number ≥ 0');
      need(typeof check.hint === 'string' && check.hint.length > 0, id, `${cat}.hint`, 'is missing');
      need(typeof check.run === 'function', id, `${cat}.run`, 'must be a function');
      need(
        check.timeoutMs === undefined || (Number.isFinite(check.timeoutMs) && check.timeoutMs >= 0),
        id,
        `${cat}.timeoutMs`,
        'must be a number ≥ 0',
      );
    });
  });
  return lab;
}

export const pass = (found: string, evidence?: unknown[]): Observation => ({ pass: true, expected: found, found, evidence });
export const fail = (expected: string, found: string, evidence?: unknown[]): Observation => ({ pass: false, expected, found, evidence });
