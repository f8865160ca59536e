// Helpers for the tokens-and-certificates page: kubeadm's validity settings and the lab's start,
// from the objects the kube.js cells return. Pure functions; Secrets (the tokens themselves) are
// never readable from a page.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';

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

/** When the lab started, from the record it keeps; undefined before `kubelab start`. */
export function labStarted(baseline: V1ConfigMap | null | undefined): Date | undefined {
  const started = baseline?.data?.started;
  return started ? new Date(started) : undefined;
}
