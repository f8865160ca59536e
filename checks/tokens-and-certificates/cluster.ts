// What the lab reads off the running cluster besides tokens: the certificates the API server
// and etcd serve, and the ClusterConfiguration kubeadm keeps in the cluster.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { mirrorPodOf, readObject, servedCertificate, servingCertificate, type CheckContext } from '../../src/engine/sdk.ts';
import { POLICY } from './constants.ts';

/** Where etcd serves its clients, as kubeadm records it on etcd's mirror pod. */
export async function etcdAddress(ctx: CheckContext): Promise<string> {
  const pods = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'tier=control-plane' })).items;
  const url = mirrorPodOf('etcd', pods)?.metadata?.annotations?.['kubeadm.kubernetes.io/etcd.advertise-client-urls'];
  if (!url) throw new Error('etcd’s mirror pod names no client address: is the kubelet on kub1 running?');
  return url.split(',')[0]!;
}

export const etcdCertificate = async (ctx: CheckContext) => servedCertificate(await etcdAddress(ctx));

/** The ClusterConfiguration kubeadm reads, or undefined when kube-system/kubeadm-config no longer holds one. */
export async function kubeadmClusterConfiguration(ctx: CheckContext): Promise<string | undefined> {
  const cm = await readObject<V1ConfigMap>(ctx, 'v1', 'ConfigMap', POLICY.configMap, 'kube-system');
  return cm?.data?.[POLICY.key] || undefined;
}

/** The serials of the certificates served now. */
export async function servedSerials(ctx: CheckContext): Promise<{ apiserverSerial: string; etcdSerial: string }> {
  return { apiserverSerial: (await servingCertificate(ctx.kc)).serialNumber, etcdSerial: (await etcdCertificate(ctx)).serialNumber };
}
