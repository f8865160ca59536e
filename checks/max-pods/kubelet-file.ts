// A kubelet configuration (KubeletConfiguration, in a node's file or in kubeadm's kubelet-config
// ConfigMap) as this lab reads and restores it: only maxPods, every other line kept.
import { parseDocument } from 'yaml';
import { DEFAULT_MAX_PODS, UserError } from '../../src/engine/sdk.ts';

function parsed(text: string, where: string) {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new UserError(`${where} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc;
}

/** The pods a kubelet admits with this configuration: maxPods, or the kubelet's default when it is unset; undefined when it is not a number. */
export function maxPodsIn(text: string, where: string): number | undefined {
  const value = parsed(text, where).get('maxPods');
  if (value === undefined || value === null) return DEFAULT_MAX_PODS;
  return typeof value === 'number' ? value : undefined;
}

/** The configuration without maxPods, as kubeadm uploads it; the text itself when it has none. */
export function withoutMaxPods(text: string, where: string): string {
  const doc = parsed(text, where);
  if (!doc.has('maxPods')) return text;
  doc.delete('maxPods');
  return doc.toString();
}
