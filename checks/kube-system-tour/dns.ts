// Exercise 3: cluster DNS is down (the lab scaled CoreDNS to zero, as someone saving memory might).
// The learner finds out why names stop resolving and brings DNS back as kubeadm runs it. Judged on
// what pods reach: the kube-dns Service's ready endpoints, each a pod of the coredns Deployment.
import { DiscoveryV1Api, type V1Deployment, type V1Service } from '@kubernetes/client-node';
import { fail, pass, pollUntil, readObject, type Check, type CheckContext, type Exercise, type LabContext } from '../../src/engine/sdk.ts';
import { DNS } from './constants.ts';

const deployment = `Deployment ${DNS.namespace}/${DNS.deployment}`;
const service = `Service ${DNS.namespace}/${DNS.service}`;

/** The kube-dns Service's ready endpoints: address and the pod behind it. */
async function readyEndpoints(ctx: { kc: CheckContext['kc'] }): Promise<{ address: string; pod?: string }[]> {
  const slices = await ctx.kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
    namespace: DNS.namespace,
    labelSelector: `kubernetes.io/service-name=${DNS.service}`,
  });
  return slices.items.flatMap((slice) =>
    (slice.endpoints ?? [])
      .filter((e) => e.conditions?.ready)
      .map((e) => ({ address: e.addresses[0] ?? '?', pod: e.targetRef?.kind === 'Pod' ? e.targetRef.name : undefined })),
  );
}

/** Pods the coredns Deployment made: those owned by one of its ReplicaSets. */
async function corednsPods(ctx: CheckContext): Promise<Set<string>> {
  const sets = (await ctx.apps.listNamespacedReplicaSet({ namespace: DNS.namespace })).items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === DNS.deployment))
    .map((rs) => rs.metadata!.name!);
  const pods = (await ctx.core.listNamespacedPod({ namespace: DNS.namespace })).items;
  return new Set(
    pods
      .filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && sets.includes(o.name)))
      .map((p) => p.metadata!.name!),
  );
}

const sameSelector = (selector: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(selector ?? {}).sort()) === JSON.stringify(Object.entries(DNS.selector).sort());

const answers: Check = {
  id: 'dns-answers',
  title: 'Name lookups reach a DNS server again',
  points: 2,
  hint: 'a Service forwards only to ready pods its selector matches: kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns, then follow the selector to what should be making those pods',
  timeoutMs: 5_000,
  async run(ctx) {
    const svc = await readObject<V1Service>(ctx, 'v1', 'Service', DNS.service, DNS.namespace);
    if (!svc) return fail(`${service}, as kubeadm made it`, `no ${service}`);
    if (!sameSelector(svc.spec?.selector))
      return fail(
        `${service} selecting k8s-app=kube-dns, as kubeadm made it`,
        `its selector is now ${JSON.stringify(svc.spec?.selector ?? {})}`,
      );
    const endpoints = await readyEndpoints(ctx);
    if (!endpoints.length)
      return fail(`ready endpoints behind ${service} (${svc.spec?.clusterIP})`, 'none: every name lookup in the cluster fails');
    const ours = await corednsPods(ctx);
    const strangers = endpoints.filter((e) => !e.pod || !ours.has(e.pod));
    return strangers.length
      ? fail(
          `every endpoint of ${service} a pod of ${deployment}`,
          strangers.map((e) => `${e.address} is ${e.pod ? `pod ${e.pod}, which ${deployment} did not make` : 'no pod'}`).join('; '),
        )
      : pass(`${endpoints.length} CoreDNS pod${endpoints.length === 1 ? '' : 's'} behind ${svc.spec?.clusterIP}`);
  },
};

const redundant: Check = {
  id: 'two-replicas',
  title: 'DNS keeps answering when one of its pods goes',
  points: 1,
  hint: `kubeadm runs ${DNS.replicas} so that losing one pod or node does not stop name lookups; kubectl -n kube-system get deployment coredns shows how many are asked for and ready`,
  timeoutMs: 5_000,
  async run(ctx) {
    const coredns = await readObject<V1Deployment>(ctx, 'apps/v1', 'Deployment', DNS.deployment, DNS.namespace);
    if (!coredns) return fail(`${deployment} with ${DNS.replicas} ready replicas`, `no ${deployment}`);
    const asked = coredns.spec?.replicas ?? 1;
    const ready = coredns.status?.readyReplicas ?? 0;
    return asked >= DNS.replicas && ready >= DNS.replicas
      ? pass(`${ready} ready CoreDNS replicas`)
      : fail(`at least ${DNS.replicas} ready replicas of ${deployment}`, `${asked} asked for, ${ready} ready`, [coredns.status]);
  },
};

/** Takes DNS down the way the exercise starts: no CoreDNS pod, so kube-dns has no ready endpoint. */
export async function stopDns(ctx: LabContext): Promise<void> {
  await ctx.kubectl(['scale', 'deployment', DNS.deployment, '-n', DNS.namespace, '--replicas=0']);
  await pollUntil(
    async () => {
      const left = (await readyEndpoints(ctx)).length;
      return left ? { state: `${left} ready endpoints left` } : { value: true };
    },
    { timeoutMs: 90_000, describe: `${service} to lose its endpoints`, fix: `kubectl -n ${DNS.namespace} get pods -l k8s-app=kube-dns` },
  );
}

export const dnsOutage: Exercise = {
  id: 'dns-outage',
  title: 'Names stopped resolving',
  task: `Pods in this cluster can no longer resolve any name, not even kubernetes.default. Find which part of kube-system is behind it, and bring cluster DNS back the way kubeadm runs it, without changing the ${DNS.service} Service.`,
  checks: [answers, redundant],
  solution: () => [
    `kubectl -n ${DNS.namespace} scale deployment ${DNS.deployment} --replicas=${DNS.replicas}`,
    `kubectl -n ${DNS.namespace} rollout status deployment/${DNS.deployment} --timeout=90s`,
  ],
  reset: stopDns,
};
