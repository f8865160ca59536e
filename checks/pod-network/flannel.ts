// The exercise: a cluster with no CNI, as kubeadm init leaves one; the learner installs flannel
// in host-gw mode over the notes' pod network. Judged on the end state: every node Ready, flannel
// running on each and saying host-gw there, its configuration the notes' network, and pods on
// different nodes reaching each other.
import type { V1ConfigMap, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  fail,
  isPodReady,
  isReady,
  pass,
  podProxyGet,
  readObject,
  type CheckContext,
  type Exercise,
  type Observation,
} from '../../src/engine/sdk.ts';
import { ECHO, FLANNEL, POD_NETWORK, USUAL_CNI } from './constants.ts';
import {
  backendProblems,
  dialVerdict,
  lastChanged,
  staleFlanneld,
  notReadyReasons,
  echoProblems,
  netConfProblems,
  netConfSource,
  parseNetConf,
  ring,
  runsFlanneld,
} from './judge.ts';
import { takeNetworkAway, plantEcho } from './network.ts';
import { onControlPlane } from './shell.ts';

/** Long enough for a node to report Ready after flanneld starts; four checks stay well inside the page's wait. */
const SETTLE_MS = 15_000;

const nodes = async (ctx: CheckContext): Promise<V1Node[]> => (await ctx.core.listNode()).items;
const flannelPods = async (ctx: CheckContext): Promise<V1Pod[]> => (await ctx.core.listPodForAllNamespaces()).items.filter(runsFlanneld);
const echoPods = async (ctx: CheckContext): Promise<V1Pod[]> =>
  (await ctx.core.listNamespacedPod({ namespace: ECHO.namespace, labelSelector: `${ECHO.label}=${ECHO.name}` })).items;

async function checkNodesReady(ctx: CheckContext): Promise<Observation> {
  const all = await nodes(ctx);
  const notReady = all.filter((n) => !isReady(n));
  if (all.length && !notReady.length) return pass(`all ${all.length} nodes Ready`);
  return fail('every node Ready', all.length ? notReadyReasons(notReady).join('; ') : 'no nodes');
}

async function checkFlannelEverywhere(ctx: CheckContext): Promise<Observation> {
  const pods = await flannelPods(ctx);
  const missing = (await nodes(ctx))
    .map((n) => n.metadata?.name ?? '')
    .filter((name) => !pods.some((p) => p.spec?.nodeName === name && isPodReady(p)));
  const wanted = 'a ready flanneld pod on every node, and the usual CNI still parked';
  if (!pods.length) return fail(wanted, 'no pod runs flanneld');
  const usual = (await ctx.core.listNamespacedPod({ namespace: USUAL_CNI.namespace, labelSelector: `app=${USUAL_CNI.name}` })).items;
  if (usual.length)
    return fail(
      wanted,
      `${USUAL_CNI.name}, the cluster's usual CNI, runs again (${usual.length} pods): this network is to be flannel's alone`,
    );
  return missing.length ? fail(wanted, `none ready on ${missing.join(', ')}`) : pass(`flanneld runs and is ready on every node`);
}

async function checkHostGw(ctx: CheckContext): Promise<Observation> {
  const wanted = `flannel configured with Network ${POD_NETWORK} and Backend host-gw, and running host-gw on every node`;
  const pods = await flannelPods(ctx);
  const sources = [...new Set(pods.map((p) => `${p.metadata?.namespace}/${netConfSource(p) ?? ''}`))];
  if (!pods.length) return fail(wanted, 'no pod runs flanneld');
  const problems: string[] = [];
  for (const source of sources) {
    const [namespace = '', name = ''] = source.split('/');
    const configMap = name ? await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', name, namespace) : undefined;
    if (!configMap) {
      problems.push(`flanneld reads no ConfigMap at ${FLANNEL.netConfMount}`);
      continue;
    }
    problems.push(...netConfProblems(parseNetConf(configMap), POD_NETWORK).map((p) => `${source}: ${p}`));
    const changed = lastChanged(configMap);
    const readers = pods.filter((p) => `${p.metadata?.namespace}/${netConfSource(p) ?? ''}` === source);
    if (changed) problems.push(...staleFlanneld(readers, changed));
  }
  problems.push(...backendProblems(await nodes(ctx)));
  return problems.length ? fail(wanted, problems.join('; ')) : pass(`flannel runs host-gw over ${POD_NETWORK} on every node`);
}

async function checkPodToPod(ctx: CheckContext): Promise<Observation> {
  const wanted = 'the echo pod on each node reaching the one on the next node, over the pod network';
  const all = await nodes(ctx);
  const pods = await echoPods(ctx);
  if (all.length < 2) return fail(wanted, `${all.length} node(s): traffic between nodes needs two at least`);
  const problems = echoProblems(all, pods);
  if (problems.length) return fail(wanted, problems.join('; '));
  const onNode = all.map((n) => pods.find((p) => p.spec?.nodeName === n.metadata?.name && !p.metadata?.deletionTimestamp)!);
  for (const [from, to] of ring(onNode)) {
    const answer = await podProxyGet(ctx.kc, { namespace: ECHO.namespace, name: from.metadata!.name!, port: ECHO.port }, 'dial', {
      request: 'hostname',
      protocol: 'http',
      host: to.status!.podIP!,
      port: String(ECHO.port),
      tries: '1',
    }).catch((error: Error) => ({ status: 0, body: error.message }));
    const route = `${from.spec?.nodeName} → ${to.spec?.nodeName} (${to.status?.podIP})`;
    if (answer.status !== 200)
      return fail(wanted, `${route}: the API server could not reach ${from.metadata?.name}: ${answer.body.slice(0, 120)}`);
    const verdict = dialVerdict(answer.body, to.metadata!.name!);
    if (verdict) return fail(wanted, `${route}: ${verdict}`);
  }
  return pass(`echo pods on ${all.length} nodes reach each other round the ring`);
}

export const flannel: Exercise = {
  id: 'flannel',
  title: 'A pod network from scratch: flannel in host-gw mode',
  task: `The cluster runs no CNI: its nodes are NotReady and no pod gets an address. Install flannel from the manifest on the control-plane machine (${FLANNEL.manifest}) so that it runs host-gw over the notes' pod network ${POD_NETWORK}, until every node is Ready and the echo pods on different nodes reach each other.`,
  checks: [
    {
      id: 'nodes-ready',
      title: 'Every node is Ready',
      points: 2,
      hint: 'kubectl describe node says why a node is not Ready; the kubelet waits for a CNI configuration in /etc/cni/net.d',
      timeoutMs: SETTLE_MS,
      run: checkNodesReady,
    },
    {
      id: 'flannel-everywhere',
      title: 'flanneld runs on every node',
      points: 2,
      hint: 'flannel is a DaemonSet; kubectl get pods -A -o wide shows where its pods run and kubectl logs why one does not start',
      timeoutMs: SETTLE_MS,
      run: checkFlannelEverywhere,
    },
    {
      id: 'host-gw',
      title: `flannel runs host-gw over ${POD_NETWORK}`,
      points: 3,
      hint: `flannel reads net-conf.json from its ConfigMap when flanneld starts, and writes the backend it runs on each Node (annotation ${FLANNEL.backendAnnotation}); a changed ConfigMap counts once flanneld has restarted`,
      timeoutMs: SETTLE_MS,
      run: checkHostGw,
    },
    {
      id: 'pod-to-pod',
      title: 'Pods on different nodes reach each other',
      points: 3,
      hint: `the echo pods (namespace ${ECHO.namespace}) get addresses once a CNI works on their node; kubectl get pods -o wide shows each one's IP and node`,
      timeoutMs: SETTLE_MS,
      run: checkPodToPod,
    },
  ],
  solution: (ctx) => [
    `${onControlPlane(ctx, `cat ${FLANNEL.manifest}`)} | sed 's/"Type": "vxlan"/"Type": "host-gw"/' | kubectl apply -f -`,
    'kubectl -n kube-flannel rollout status daemonset/kube-flannel-ds --timeout=180s',
    'kubectl wait --for=condition=Ready nodes --all --timeout=180s',
    `kubectl -n ${ECHO.namespace} rollout status daemonset/${ECHO.name} --timeout=180s`,
  ],
  async reset(ctx) {
    await takeNetworkAway(ctx);
    await plantEcho(ctx);
  },
};
