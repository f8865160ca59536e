// The only changes cells may make to the cluster: what the exercises do from a page.
// Anything else (exec, attach, port-forward, proxy, deletes, arbitrary writes) has no action.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';
import { HttpError } from './http.ts';
import { name, namespace, wholeNumber } from './params.ts';

export interface ActionResult {
  ok: true;
  message: string;
}

interface Action {
  /** The parameters it takes, for the error message when they are wrong. */
  params: string[];
  run(cluster: Cluster, params: Record<string, unknown>): Promise<ActionResult>;
}

/** Namespaces that belong to the cluster itself or to kubelab, not to an exercise. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'kubelab-system']);

function labNamespace(value: unknown): string {
  const ns = namespace(value);
  if (SYSTEM_NAMESPACES.has(ns)) throw new HttpError(403, `namespace ${ns} is not a lab namespace`);
  return ns;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function setUnschedulable(cluster: Cluster, params: Record<string, unknown>, unschedulable: boolean): Promise<ActionResult> {
  const node = name(params.node, 'node');
  await cluster.forward(`${unschedulable ? 'cordoning' : 'uncordoning'} ${node}`, () =>
    cluster.core.patchNode({ name: node, body: { spec: { unschedulable } } }, mergePatch),
  );
  return { ok: true, message: `node ${node} ${unschedulable ? 'cordoned' : 'uncordoned'}` };
}

export const actions: Record<string, Action> = {
  /** kubectl scale deployment NAME --replicas N, in a lab namespace. */
  scale: {
    params: ['namespace', 'name', 'replicas'],
    async run(cluster, params) {
      const ns = labNamespace(params.namespace);
      const deployment = name(params.name);
      const replicas = wholeNumber(params.replicas, 0, 200, 'replicas');
      await cluster.forward(`scaling ${ns}/${deployment}`, () =>
        cluster.apps.patchNamespacedDeploymentScale({ name: deployment, namespace: ns, body: { spec: { replicas } } }, mergePatch),
      );
      return { ok: true, message: `deployment ${ns}/${deployment} scaled to ${replicas}` };
    },
  },
  /** kubectl cordon NODE */
  cordon: { params: ['node'], run: (cluster, params) => setUnschedulable(cluster, params, true) },
  /** kubectl uncordon NODE */
  uncordon: { params: ['node'], run: (cluster, params) => setUnschedulable(cluster, params, false) },
  /** One eviction, as kubectl drain makes them: the API server refuses it (429) when a PodDisruptionBudget would be broken. */
  evict: {
    params: ['namespace', 'name'],
    async run(cluster, params) {
      const ns = labNamespace(params.namespace);
      const pod = name(params.name);
      await cluster.forward(`evicting ${ns}/${pod}`, () =>
        cluster.core.createNamespacedPodEviction({
          name: pod,
          namespace: ns,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ns } },
        }),
      );
      return { ok: true, message: `pod ${ns}/${pod} evicted` };
    },
  },
};

export function findAction(actionName: string): Action {
  const action = Object.hasOwn(actions, actionName) ? actions[actionName] : undefined;
  if (!action) throw new HttpError(404, `no action "${actionName.slice(0, 40)}": the bridge allows ${Object.keys(actions).join(', ')}`);
  return action;
}

/** Checks the parameter names before any is used. */
export function actionParams(action: Action, params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new HttpError(400, `params must be an object with ${action.params.join(', ')}`);
  for (const key of Object.keys(params))
    if (!action.params.includes(key))
      throw new HttpError(400, `unknown parameter "${key.slice(0, 40)}"; this action takes ${action.params.join(', ')}`);
  return params as Record<string, unknown>;
}
