// Exercise 4: take kube-proxy away and put it back with kubeadm, from the configuration the
// cluster was made with. Without that configuration kubeadm still installs a kube-proxy, but one
// that knows neither the pod network nor where the API server is; the checks compare the restored
// settings with the cluster's own, recorded when the lab started.
import type { V1ConfigMap, V1DaemonSet } from '@kubernetes/client-node';
import {
  fail,
  pass,
  readObject,
  UserError,
  type Check,
  type CheckContext,
  type Exercise,
  type LabContext,
  type Observation,
  type SolutionContext,
} from '../../src/engine/sdk.ts';
import { BASELINE, PROXY } from './constants.ts';
import { managersOf, settingsDiff } from './judge.ts';

const ds = `DaemonSet ${PROXY.namespace}/${PROXY.name}`;
const cm = `ConfigMap ${PROXY.namespace}/${PROXY.name}`;
const KUBEADM = 'kubeadm';

interface Baseline {
  daemonSetUid: string;
  configMapUid: string;
  /** Copies, without what the API server fills in, for a reset to put back. */
  daemonSet: string;
  configMap: string;
}

async function readBaseline(ctx: CheckContext): Promise<Baseline | undefined> {
  const data = (await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', BASELINE.name, BASELINE.namespace))?.data;
  return data?.daemonSetUid ? (data as unknown as Baseline) : undefined;
}

interface ProxyObjects {
  daemonSet: V1DaemonSet;
  configMap: V1ConfigMap;
}

async function proxyObjects(ctx: CheckContext): Promise<Partial<ProxyObjects>> {
  return {
    daemonSet: await readObject<V1DaemonSet>(ctx, 'apps/v1', 'DaemonSet', PROXY.name, PROXY.namespace),
    configMap: await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', PROXY.name, PROXY.namespace),
  };
}

const noBaseline = fail('the record the lab made when it started', 'none: run kubelab start kube-system-tour');

/** One of kube-proxy's objects once something has replaced it since the lab started, or the failure saying why not. */
async function restored<K extends 'daemonSet' | 'configMap'>(
  ctx: CheckContext,
  which: K,
  expected: string,
): Promise<{ baseline: Baseline; object: ProxyObjects[K] } | Observation> {
  const baseline = await readBaseline(ctx);
  if (!baseline) return noBaseline;
  const object = (await proxyObjects(ctx))[which];
  const what = which === 'daemonSet' ? ds : cm;
  if (!object) return fail(expected, `no ${what}`);
  if (object.metadata?.uid === baseline[`${which}Uid`]) return fail(`a restored ${what}`, 'not restored yet: it is still the original');
  return { baseline, object: object as ProxyObjects[K] };
}

const byKubeadm: Check = {
  id: 'restored-by-kubeadm',
  title: 'kube-proxy taken away and put back by kubeadm',
  points: 2,
  hint: 'kubeadm installs its addons through the API: kubeadm init phase addon --help lists them. Delete kube-proxy’s DaemonSet and ConfigMap first, so that what kubeadm makes is new',
  async run(ctx) {
    const baseline = await readBaseline(ctx);
    if (!baseline) return noBaseline;
    const { daemonSet, configMap } = await proxyObjects(ctx);
    const problems = [
      ...(daemonSet ? [] : [`no ${ds}`]),
      ...(configMap ? [] : [`no ${cm}`]),
      ...(daemonSet?.metadata?.uid === baseline.daemonSetUid ? [`${ds} is still the one the exercise started with`] : []),
      ...(configMap?.metadata?.uid === baseline.configMapUid ? [`${cm} is still the one the exercise started with`] : []),
      ...[daemonSet, configMap]
        .filter((o) => o && !managersOf(o).includes(KUBEADM))
        .map((o) => `${o!.kind ?? ''} ${PROXY.name} was written by ${managersOf(o).join(', ') || 'an unknown client'}, not by kubeadm`),
    ];
    return problems.length
      ? fail(`a new ${ds} and ${cm}, made by kubeadm`, problems.join('; '), [managersOf(daemonSet), managersOf(configMap)])
      : pass(`kubeadm made kube-proxy’s DaemonSet and ConfigMap anew`);
  },
};

const settings: Check = {
  id: 'cluster-settings',
  title: 'The restored kube-proxy has the cluster’s own settings',
  points: 2,
  hint: 'kubeadm takes the pod network, the API server’s address and kube-proxy’s own settings from the configuration file init ran with (--config); kubeadm init phase addon kube-proxy --print-manifest shows what it would write',
  async run(ctx) {
    const found = await restored(ctx, 'configMap', `${cm} with the cluster’s settings`);
    if ('pass' in found) return found;
    const { baseline, object: configMap } = found;
    const original = (JSON.parse(baseline.configMap) as V1ConfigMap).data ?? {};
    const differences = PROXY.configKeys.flatMap((key) => settingsDiff(original[key], configMap.data?.[key]).map((d) => `${key}: ${d}`));
    return differences.length
      ? fail(
          'kube-proxy’s settings as the cluster had them',
          differences.slice(0, 4).join('; ') + (differences.length > 4 ? ` (and ${differences.length - 4} more)` : ''),
          [configMap.data],
        )
      : pass('kube-proxy’s configuration and kubeconfig match the cluster’s');
  },
};

const running: Check = {
  id: 'proxies-ready',
  title: 'A ready kube-proxy on every node',
  points: 1,
  hint: 'kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide, then kubectl logs on one that is not ready',
  timeoutMs: 5_000,
  async run(ctx) {
    const found = await restored(ctx, 'daemonSet', `${ds} ready on every node`);
    if ('pass' in found) return found;
    const daemonSet = found.object;
    const nodes = (await ctx.core.listNode()).items.length;
    const s = daemonSet.status;
    const settled = (s?.observedGeneration ?? 0) >= (daemonSet.metadata?.generation ?? 0);
    const ready = s?.numberReady ?? 0;
    return settled && s?.desiredNumberScheduled === nodes && ready === nodes && s?.updatedNumberScheduled === nodes
      ? pass(`kube-proxy ready on all ${nodes} nodes`)
      : fail(`kube-proxy ready on all ${nodes} nodes`, `${ready} ready of ${s?.desiredNumberScheduled ?? 0} scheduled`, [s]);
  },
};

/** An object as a reset can create it again: no uid, version, owner-set fields or status. */
function copyOf(object: V1DaemonSet | V1ConfigMap): string {
  const { name, namespace, labels, annotations } = object.metadata ?? {};
  const kept = Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !k.startsWith('deprecated.daemonset')));
  const body = 'spec' in object ? { spec: object.spec } : { data: (object as V1ConfigMap).data };
  return JSON.stringify({
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, namespace, labels, annotations: kept },
    ...body,
  });
}

async function writeBaseline(ctx: LabContext, daemonSet: V1DaemonSet, configMap: V1ConfigMap): Promise<void> {
  const data: Baseline = {
    daemonSetUid: daemonSet.metadata!.uid!,
    configMapUid: configMap.metadata!.uid!,
    daemonSet: copyOf({ ...daemonSet, apiVersion: 'apps/v1', kind: 'DaemonSet' }),
    configMap: copyOf({ ...configMap, apiVersion: 'v1', kind: 'ConfigMap' }),
  };
  await ctx.apply(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: BASELINE, data }));
}

/**
 * Records kube-proxy as it is now, putting back from an earlier record what is missing (a learner
 * who deleted it and started the lab again). With neither, the cluster cannot be set up.
 */
export async function recordProxy(ctx: LabContext): Promise<void> {
  if (!(await putBackProxy(ctx)))
    throw new UserError(`kube-proxy is missing from kube-system and the lab has no copy of it`, {
      fix: 'put it back with kubeadm init phase addon kube-proxy --config <the file init ran with>, then start the lab again',
    });
  const { daemonSet, configMap } = await proxyObjects(ctx);
  await writeBaseline(ctx, daemonSet!, configMap!);
}

/**
 * Creates what is missing of kube-proxy from the lab's record, for another lab to find it as
 * kubeadm left it; false when something is missing and there is no record to make it from.
 */
export async function putBackProxy(ctx: LabContext): Promise<boolean> {
  const { daemonSet, configMap } = await proxyObjects(ctx);
  if (daemonSet && configMap) return true;
  const baseline = await readBaseline(ctx);
  if (!baseline) return false;
  if (!configMap) await ctx.kubectl(['create', '-f', '-'], baseline.configMap);
  if (!daemonSet) await ctx.kubectl(['create', '-f', '-'], baseline.daemonSet);
  return true;
}

/** Back to the start: kube-proxy as the lab recorded it, whatever the learner made in its place. */
async function resetProxy(ctx: LabContext): Promise<void> {
  const baseline = await readBaseline(ctx);
  if (!baseline) return recordProxy(ctx);
  const { daemonSet, configMap } = await proxyObjects(ctx);
  if (daemonSet?.metadata?.uid !== baseline.daemonSetUid) {
    await ctx.kubectl(['delete', 'daemonset', PROXY.name, '-n', PROXY.namespace, '--ignore-not-found', '--wait=true']);
    await ctx.kubectl(['create', '-f', '-'], baseline.daemonSet);
  }
  if (configMap?.metadata?.uid !== baseline.configMapUid) {
    await ctx.kubectl(['delete', 'configmap', PROXY.name, '-n', PROXY.namespace, '--ignore-not-found']);
    await ctx.kubectl(['create', '-f', '-'], baseline.configMap);
  }
  await recordProxy(ctx);
}

function restoreCommand(ctx: SolutionContext): string {
  if (!ctx.node)
    throw new UserError('this step runs kubeadm on the control-plane machine, which only a cluster kubelab runs lets you reach', {
      fix: 'kubelab start kube-system-tour (without --context)',
    });
  const shell = ctx.node('kub1');
  // From a shell on this machine kubeadm needs the admin kubeconfig named; in the node it finds /etc/kubernetes/admin.conf.
  const kubeconfig = shell.here ? ' --kubeconfig "$KUBECONFIG"' : '';
  return shell.run(`kubeadm init phase addon kube-proxy --config ${shell.kubeadmConfig}${kubeconfig}`);
}

export const restoreProxy: Exercise = {
  id: 'restore-kube-proxy',
  title: 'Put kube-proxy back with kubeadm',
  task: 'Delete kube-proxy’s DaemonSet and its ConfigMap in kube-system, as an accident might, then put both back with kubeadm, so that kube-proxy runs again on every node with the settings this cluster was made with.',
  checks: [byKubeadm, settings, running],
  solution: (ctx) => [
    `kubectl -n ${PROXY.namespace} delete daemonset ${PROXY.name} --wait=true`,
    `kubectl -n ${PROXY.namespace} delete configmap ${PROXY.name}`,
    restoreCommand(ctx),
    `kubectl -n ${PROXY.namespace} rollout status daemonset/${PROXY.name} --timeout=90s`,
  ],
  reset: resetProxy,
};
