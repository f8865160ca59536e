// How the tour's answers and objects are judged, as pure functions of API objects, so that the
// unit tests can feed them recorded objects. Each verdict names what to look at, never the answer.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { HOW, type How } from './constants.ts';

export type Verdict = { ok: true } | { ok: false; found: string };

/** The annotation a kubelet puts on the mirror pod it makes in the API for each static pod it runs. */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

// What people write for each way of running, squeezed to letters: "Static Pod", "static_pod", "ds".
const SYNONYMS: Record<string, How> = {
  staticpod: 'static-pod',
  static: 'static-pod',
  mirrorpod: 'static-pod',
  daemonset: 'daemonset',
  ds: 'daemonset',
  deployment: 'deployment',
  deploy: 'deployment',
  process: 'process',
  nopod: 'process',
  none: 'process',
};

/** The way of running an answer names, or why it names none. */
export function readHow(answer: string | undefined): How | { unknown: string } | undefined {
  if (answer === undefined || answer.trim() === '') return undefined;
  const squeezed = answer.toLowerCase().replace(/[^a-z]/g, '');
  if (squeezed === 'replicaset' || squeezed === 'rs')
    return { unknown: `${answer.trim()} (a ReplicaSet runs the pods, but what made the ReplicaSet?)` };
  return SYNONYMS[squeezed] ?? { unknown: `${answer.trim()} (not one of ${HOW.join(', ')})` };
}

/**
 * How a control-plane component runs here: kubeadm's labels (component=<name>) on a mirror pod
 * mean a kubelet runs it from a static pod manifest; no pod at all means it runs outside
 * Kubernetes, as the local provider's supervised processes do.
 */
export function controlPlaneHow(component: string, pods: V1Pod[]): How {
  const mirror = pods.some((p) => p.metadata?.labels?.component === component && p.metadata?.annotations?.[MIRROR_ANNOTATION]);
  return mirror ? 'static-pod' : 'process';
}

/** How an addon runs: the controller of that name in kube-system, if there is one. */
export function addonHow(name: string, deployments: KubernetesObject[], daemonSets: KubernetesObject[]): How | undefined {
  if (deployments.some((d) => d.metadata?.name === name)) return 'deployment';
  if (daemonSets.some((d) => d.metadata?.name === name)) return 'daemonset';
  return undefined;
}

/** The answer recorded for a component, under its name in any case. */
export function answerFor(data: Record<string, string> | undefined, component: string): string | undefined {
  const key = Object.keys(data ?? {}).find((k) => k.trim().toLowerCase() === component);
  return key === undefined ? undefined : data![key];
}

/** Judges the answers for some components against how each one runs on this cluster. */
export function judgeHow(data: Record<string, string> | undefined, truth: Map<string, How | undefined>): Verdict {
  const problems: string[] = [];
  let wrong = 0;
  for (const [component, actual] of truth) {
    const given = readHow(answerFor(data, component));
    if (actual === undefined) problems.push(`${component} has no Deployment or DaemonSet in kube-system right now`);
    else if (given === undefined) problems.push(`no key "${component}"`);
    else if (typeof given === 'object') problems.push(`${component}: ${given.unknown}`);
    else if (given !== actual) wrong++;
  }
  if (wrong)
    problems.push(
      `${wrong} of ${truth.size} ${wrong === 1 ? 'is' : 'are'} not how ${wrong === 1 ? 'it runs' : 'they run'} on this cluster`,
    );
  return problems.length ? { ok: false, found: problems.join('; ') } : { ok: true };
}

/** The field managers that wrote an object, as its managedFields name them. */
export function managersOf(object: KubernetesObject | undefined): string[] {
  return [...new Set((object?.metadata?.managedFields ?? []).filter((f) => !f.subresource).map((f) => f.manager ?? '?'))];
}

function leaves(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, out);
  } else {
    out.set(path, JSON.stringify(value ?? null));
  }
  return out;
}

/**
 * The settings in which a YAML document differs from the one expected, each as
 * "path: found (expected …)", so a learner sees which of kubeadm's inputs was missing.
 */
export function settingsDiff(expected: string | undefined, found: string | undefined): string[] {
  const want = leaves(parse(expected ?? '') ?? {}, '', new Map());
  const got = leaves(parse(found ?? '') ?? {}, '', new Map());
  const paths = [...new Set([...want.keys(), ...got.keys()])].sort();
  return paths
    .filter((p) => want.get(p) !== got.get(p))
    .map((p) => `${p}: ${got.get(p) ?? 'missing'} (the cluster's is ${want.get(p) ?? 'unset'})`);
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Whether a toleration lets a pod past a taint, by the scheduler's rule (operator Equal unless Exists). */
export function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** The taints of a node that keep a pod with these tolerations off it. */
export function blockingTaints(taints: Taint[] | undefined, tolerations: Toleration[] | undefined): string[] {
  return (taints ?? [])
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .filter((t) => !tolerates(tolerations, t))
    .map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
}
