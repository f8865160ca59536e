// A kubelet's configuration file (KubeletConfiguration, as kubeadm writes it to
// /var/lib/kubelet/config.yaml): what kubelab reads and changes in it, comments kept.
import { parseDocument, stringify } from 'yaml';
import { UserError } from '../errors.ts';
import { DEFAULT_MAX_PODS } from './shape.ts';

/** Where kubeadm leaves a node's kubelet configuration. */
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';

function document(config: string) {
  const doc = parseDocument(config);
  if (doc.errors.length) throw new UserError(`the kubelet configuration is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

/** The file with maxPods set to n, everything else (comments too) kept. */
export function withMaxPodsConfig(config: string, maxPods: number): string {
  const doc = document(config);
  doc.set('maxPods', maxPods);
  return doc.toString();
}

/** The pods the kubelet admits with this file: maxPods, or the kubelet's default when it is unset. */
export function maxPodsOf(config: string): number {
  const value = document(config).get('maxPods');
  if (value === undefined || value === null) return DEFAULT_MAX_PODS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UserError(`maxPods in the kubelet configuration is ${JSON.stringify(value)}, not a whole number above 0`, {
      fix: 'correct it and restart the kubelet',
    });
  }
  return value;
}

/** A kubelet configuration file as kubeadm would write one, with the node's max pods. */
export function kubeletConfiguration(maxPods: number): string {
  return stringify({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', maxPods });
}
