// The availability watcher runs detached from the CLI, one per lab record: it watches a
// Deployment's available replicas and one node, and keeps a timeline of what it saw in a
// ConfigMap. It exits when a newer watcher takes the record over, when the record is
// deleted, or when the API server stays unreachable (the cluster went down or was deleted).
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  ListWatch,
  Watch,
  type KubernetesObject,
  type ListPromise,
  type V1ConfigMap,
  type V1Deployment,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import { statusOf } from '../../../src/engine/sdk.ts';
import { disruptionReason, noteDeparture } from './departures.ts';
import { HEARTBEAT_MS, toConfigMapData, type AvailabilityRecord, type RecordRef, type WatchTarget } from './record.ts';
import { append, type Sample } from './timeline.ts';

export interface WatcherConfig {
  /** The kubeconfig, as KubeConfig.exportConfig() writes it (handed over on stdin, never written to disk). */
  kubeconfig: string;
  target: WatchTarget;
  record: RecordRef;
  budget: number;
  owner: string;
}

/** How long the API server may stay unreachable before the watcher decides the cluster is gone. */
export const UNREACHABLE_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function log(owner: string, message: string): void {
  console.log(`${new Date().toISOString()} ${owner.slice(0, 8)} ${message}`);
}

const ownedByDaemonSet = (pod: V1Pod) => pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') ?? false;
const finished = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** A ListWatch that restarts after errors, and reports every change. */
function watchOf<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  fieldSelector: string,
  list: ListPromise<T>,
  onChange: () => void,
): ListWatch<T> {
  const lw = new ListWatch<T>(path, new Watch(kc), list, false, undefined, fieldSelector);
  for (const verb of ['add', 'update', 'delete'] as const) lw.on(verb, onChange);
  lw.on('error', () => setTimeout(() => void lw.start(), 1000));
  return lw;
}

export async function runWatcher(config: WatcherConfig): Promise<never> {
  const kc = new KubeConfig();
  kc.loadFromString(config.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const { namespace, deployment, node } = config.target;
  const { owner } = config;
  let ready = false;
  let dirty = true;

  const sample = (): Sample => {
    const d = deployments.get(deployment, namespace);
    const n = nodes.get(node);
    return {
      t: Date.now(),
      available: d?.status?.availableReplicas ?? 0,
      desired: d?.spec?.replicas ?? 0,
      node: !n ? 'absent' : n.spec?.unschedulable ? 'cordoned' : 'schedulable',
      nodePods: pods.list().filter((p) => !ownedByDaemonSet(p) && !finished(p)).length,
    };
  };
  const observe = () => {
    if (!ready) return;
    const s = sample();
    const next = append(record.timeline, s);
    if (next === record.timeline) return;
    record.timeline = next;
    if (!record.lowest || s.available < record.lowest.available) record.lowest = s;
    dirty = true;
  };

  const deployments = watchOf<V1Deployment>(
    kc,
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    `metadata.name=${deployment}`,
    () => apps.listNamespacedDeployment({ namespace, fieldSelector: `metadata.name=${deployment}` }),
    observe,
  );
  const nodes = watchOf<V1Node>(
    kc,
    '/api/v1/nodes',
    `metadata.name=${node}`,
    () => core.listNode({ fieldSelector: `metadata.name=${node}` }),
    observe,
  );
  const pods = watchOf<V1Pod>(
    kc,
    '/api/v1/pods',
    `spec.nodeName=${node}`,
    () => core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }),
    observe,
  );
  /** A pod leaving the node: kept with the DisruptionTarget reason it carries, if any. */
  const noteLeaving = (pod: V1Pod, gone: boolean) => {
    if (!ready || ownedByDaemonSet(pod) || (!gone && !pod.metadata?.deletionTimestamp)) return;
    const seen = {
      t: Date.now(),
      pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
      uid: pod.metadata?.uid ?? '',
      reason: disruptionReason(pod),
    };
    const next = noteDeparture(record.departures, seen);
    if (next === record.departures) return;
    record.departures = next;
    dirty = true;
  };
  pods.on('update', (pod) => noteLeaving(pod, false));
  pods.on('delete', (pod) => noteLeaving(pod, true));

  const record: AvailabilityRecord = {
    owner,
    pid: process.pid,
    startedAt: Date.now(),
    heartbeat: Date.now(),
    target: config.target,
    budget: config.budget,
    nodeUid: '',
    lowest: undefined,
    timeline: [],
    departures: [],
  };

  const exit = async (why: string): Promise<never> => {
    log(owner, `stopping: ${why}`);
    await Promise.all([deployments.stop(), nodes.stop(), pods.stop()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void exit('SIGTERM'));
  process.on('SIGINT', () => void exit('SIGINT'));

  const body = (resourceVersion?: string): V1ConfigMap => ({
    metadata: {
      name: config.record.name,
      namespace: config.record.namespace,
      resourceVersion,
      labels: { 'app.kubernetes.io/managed-by': 'kubelab' },
    },
    data: toConfigMapData({ ...record, heartbeat: Date.now() }),
  });
  const ref = { name: config.record.name, namespace: config.record.namespace };

  /** The first write takes the record over, whoever wrote it before. */
  const takeOver = async () => {
    try {
      await core.createNamespacedConfigMap({ namespace: ref.namespace, body: body() });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      const current = await core.readNamespacedConfigMap(ref);
      await core.replaceNamespacedConfigMap({ ...ref, body: body(current.metadata?.resourceVersion) });
    }
  };
  /** Later writes go through only while this watcher still owns the record. */
  const update = async () => {
    const current = await core.readNamespacedConfigMap(ref);
    if (current.data?.owner !== owner) await exit(`watcher ${current.data?.owner?.slice(0, 8)} took the record over`);
    await core.replaceNamespacedConfigMap({ ...ref, body: body(current.metadata?.resourceVersion) });
  };

  let unreachableSince: number | undefined;
  let lastWrite = 0;
  const attempt = async (write: () => Promise<void>): Promise<boolean> => {
    try {
      await write();
      unreachableSince = undefined;
      lastWrite = Date.now();
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) await exit('the record was deleted');
      if (status === undefined) {
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > UNREACHABLE_MS) await exit(`the API server is unreachable (${(error as Error).message})`);
      }
      return false;
    }
  };

  log(owner, `watching deployment ${namespace}/${deployment} and node ${node}`);
  // Sample only once all three caches hold the current state (a list succeeded), so the
  // timeline never starts with a false zero; failed lists are retried by the error handler.
  await Promise.all([deployments.start(), nodes.start(), pods.start()]);
  const listing = Date.now();
  while (![deployments, nodes, pods].every((lw) => lw.latestResourceVersion() !== '')) {
    if (Date.now() - listing > UNREACHABLE_MS) await exit('could not list the watched objects');
    await sleep(100);
  }
  record.nodeUid = nodes.get(node)?.metadata?.uid ?? '';
  ready = true;
  observe();
  while (!(await attempt(takeOver))) await sleep(500);

  for (;;) {
    await sleep(100);
    if (!dirty && Date.now() - lastWrite < HEARTBEAT_MS) continue;
    dirty = false;
    if (!(await attempt(update))) dirty = true;
  }
}

// Run as a program: the configuration arrives as JSON on stdin.
if (import.meta.url === `file://${process.argv[1]}`) {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  await runWatcher(JSON.parse(input) as WatcherConfig);
}
