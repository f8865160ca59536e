// The control plane as a kubeadm machine's kubelet runs it, for the pages whose labs restart it:
// when each static pod's container last started, read off its mirror pod, and where etcd keeps
// its data. Pure functions of the objects the kube.js cells return.
import type { V1Pod } from '@kubernetes/client-node';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

interface Start {
  component: string;
  started?: Date;
  restarts: number;
  ready: boolean;
}

/** Each control-plane component's container, as its mirror pod reports it (kubeadm labels them component=<name>). */
export function controlPlaneStarts(pods: V1Pod[] | null | undefined): Start[] {
  return COMPONENTS.map((component) => {
    const pod = (pods ?? []).find((p) => p.metadata?.labels?.component === component && p.metadata?.labels?.tier === 'control-plane');
    const status = pod?.status?.containerStatuses?.[0];
    const started = status?.state?.running?.startedAt;
    return {
      component,
      started: started ? new Date(started) : undefined,
      restarts: status?.restartCount ?? 0,
      ready: status?.ready === true,
    };
  });
}

export function startRows(starts: Start[]): Record<string, string | number>[] {
  return starts.map((s) => ({
    component: s.component,
    'container started': s.started ? s.started.toISOString().replace('.000Z', 'Z') : 'not running',
    restarts: s.restarts,
    ready: s.ready ? 'yes' : 'no',
  }));
}

/** etcd's data directory as its mirror pod states it: the flag inside the container, and the machine's directory mounted there. */
export function etcdDataRows(pods: V1Pod[] | null | undefined): { where: string; path: string }[] {
  const pod = (pods ?? []).find((p) => p.metadata?.labels?.component === 'etcd');
  const container = pod?.spec?.containers?.[0];
  const flag = (container?.command ?? []).find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
  const mount = (container?.volumeMounts ?? []).find((m) => m.mountPath === flag);
  const hostPath = pod?.spec?.volumes?.find((v) => v.name === mount?.name)?.hostPath?.path;
  return [
    { where: 'etcd --data-dir, inside its container', path: flag ?? '(no etcd pod)' },
    { where: `volume ${mount?.name ?? '?'} on the machine, mounted there`, path: hostPath ?? '(none)' },
  ];
}
