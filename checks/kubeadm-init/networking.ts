// Exercise: the notes' --pod-network-cidr and --service-cidr, as kubeadm init stored them in
// kube-system/kubeadm-config, and the cluster IP the first service address became.
import { fail, pass, type CheckContext, type Exercise, type Observation } from '../../src/engine/sdk.ts';
import { answers, deleteAnswers, putAnswers } from './answers.ts';
import { clusterConfiguration } from './cluster.ts';
import { ANSWERS, NAMESPACE } from './constants.ts';

async function checkSubnets(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.networking);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.networking}`, 'no such ConfigMap');
  const { podSubnet, serviceSubnet } = (await clusterConfiguration(ctx)).networking ?? {};
  const found = `pod-subnet ${data['pod-subnet'] ?? '(missing)'}, service-subnet ${data['service-subnet'] ?? '(missing)'}`;
  return data['pod-subnet']?.trim() === podSubnet && data['service-subnet']?.trim() === serviceSubnet
    ? pass(`pod-subnet ${podSubnet}, service-subnet ${serviceSubnet}, as kubeadm-config says`)
    : fail('the podSubnet and serviceSubnet of kube-system/kubeadm-config', found);
}

async function checkServiceIp(ctx: CheckContext): Promise<Observation> {
  const data = await answers(ctx, ANSWERS.networking);
  if (!data) return fail(`ConfigMap ${NAMESPACE}/${ANSWERS.networking}`, 'no such ConfigMap');
  const service = await ctx.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
  const ip = service.spec?.clusterIP;
  return data['kubernetes-service-ip']?.trim() === ip
    ? pass(`kubernetes-service-ip ${ip}`)
    : fail(
        `kubernetes-service-ip: the cluster IP of Service default/kubernetes`,
        `kubernetes-service-ip: ${data['kubernetes-service-ip'] ?? '(missing)'}`,
      );
}

export const networking: Exercise = {
  id: 'networking',
  title: 'Find the notes’ CIDRs in kubeadm-config',
  task: `Read the ClusterConfiguration that kubeadm init stored in ConfigMap kube-system/kubeadm-config. Record its podSubnet and serviceSubnet under "pod-subnet" and "service-subnet", and the cluster IP of Service default/kubernetes under "kubernetes-service-ip", in ConfigMap ${ANSWERS.networking} (namespace ${NAMESPACE}).`,
  checks: [
    {
      id: 'subnets',
      title: 'pod-subnet and service-subnet match kubeadm-config',
      points: 2,
      hint: "kubectl -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'",
      run: checkSubnets,
    },
    {
      id: 'kubernetes-service-ip',
      title: 'kubernetes-service-ip is the cluster IP of Service default/kubernetes',
      points: 1,
      hint: "kubectl get service kubernetes -o jsonpath='{.spec.clusterIP}'",
      run: checkServiceIp,
    },
  ],
  async solve(ctx) {
    const { podSubnet = '', serviceSubnet = '' } = (await clusterConfiguration(ctx)).networking ?? {};
    const service = await ctx.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
    await putAnswers(ctx, ANSWERS.networking, {
      'pod-subnet': podSubnet,
      'service-subnet': serviceSubnet,
      'kubernetes-service-ip': service.spec?.clusterIP ?? '',
    });
  },
  reset: (ctx) => deleteAnswers(ctx, ANSWERS.networking),
};
