// Data loader: a snapshot of the lab cluster, so that a built site shows real outputs without
// a cluster. labs/components/kube.ts answers cells from it when no bridge is reachable, and
// says on the page that it shows a snapshot. `kubelab build` names the cluster in
// KUBELAB_TARGET; with no running cluster the snapshot says so instead.
import { ApisApi, CoreApi, type KubernetesObject, KubernetesObjectApi, VersionApi } from '@kubernetes/client-node';
import type { Snapshot } from '../components/kube.ts';
import { clean } from '../../src/bridge/cluster.ts';
import type { ClusterAccess } from '../../src/cluster/provider.ts';
import { resolveTarget, targetName, type ClusterTarget } from '../../src/target.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';

/** What the lab pages show: nodes and workloads, kubeadm's ConfigMaps, RBAC, served API group/versions. Never Secrets. */
const KINDS: [string, string][] = [
  ['v1', 'Node'],
  ['v1', 'Namespace'],
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'ConfigMap'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'DaemonSet'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['batch/v1', 'CronJob'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['apiregistration.k8s.io/v1', 'APIService'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
];

/** The cluster `kubelab build` or `serve` names (src/target.ts), or the default one. */
const target: ClusterTarget = JSON.parse(process.env.KUBELAB_TARGET ?? '{}');
const name = targetName(target);

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms).unref()),
  ]);
}

async function take(): Promise<Snapshot> {
  let access: ClusterAccess;
  try {
    access = resolveTarget(target, 'read').access;
  } catch {
    return { available: false, cluster: name, reason: `there was no cluster named "${name}"` };
  }
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  const version = await within(kc.makeApiClient(VersionApi).getCode(), 5000).catch((error: Error) => error);
  if (version instanceof Error)
    return { available: false, cluster: name, reason: `cluster "${name}" was not answering (${version.message.split('\n')[0]})` };
  const api = KubernetesObjectApi.makeApiClient(kc);
  const objects: Record<string, KubernetesObject[]> = {};
  for (const [apiVersion, kind] of KINDS) {
    const list = await within(api.list(apiVersion, kind), 10_000);
    objects[`${apiVersion}/${kind}`] = list.items.map((o) => clean(o, apiVersion, kind));
  }
  const core = await kc.makeApiClient(CoreApi).getAPIVersions();
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  const apiVersions = [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))].sort();
  return { available: true, cluster: name, takenAt: new Date().toISOString(), kubernetesVersion: version.gitVersion, apiVersions, objects };
}

let snapshot: Snapshot;
try {
  snapshot = await take();
} catch (error) {
  snapshot = { available: false, cluster: name, reason: `the snapshot failed: ${(error as Error).message.split('\n')[0]}` };
}
// Exit explicitly: the client's kept-alive connections would hold the process open.
process.stdout.write(JSON.stringify(snapshot), () => process.exit(0));
