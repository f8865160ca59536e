// Helpers for the tokens-and-certificates page: kubeadm's validity settings, and when each
// control-plane container last started, from the objects the kube.js cells return. Pure
// functions; Secrets (the tokens themselves) are never readable from a page.
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** kubeadm's two validity settings as the cluster stores them in kube-system/kubeadm-config. */
export function validityRows(configMap: V1ConfigMap | null | undefined): { setting: string; value: string }[] {
  let config: Record<string, unknown> = {};
  try {
    config = parse(configMap?.data?.ClusterConfiguration ?? '') ?? {};
  } catch {
    config = {};
  }
  return ['certificateValidityPeriod', 'caCertificateValidityPeriod'].map((setting) => ({
    setting,
    value: typeof config[setting] === 'string' ? (config[setting] as string) : 'not set (kubeadm’s default)',
  }));
}

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

/** When the lab started, from the record it keeps; undefined before `kubelab start`. */
export function labStarted(baseline: V1ConfigMap | null | undefined): Date | undefined {
  const started = baseline?.data?.started;
  return started ? new Date(started) : undefined;
}
