import { parseDocument } from 'yaml';
import { UserError } from '../../errors.ts';

/** Where kubeadm leaves a node's kubelet settings inside a kind node. */
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';

/** The kubelet's config file with maxPods set to n, everything else (comments too) kept. */
export function withMaxPodsConfig(config: string, maxPods: number): string {
  const document = parseDocument(config);
  if (document.errors.length) throw new UserError(`${KUBELET_CONFIG} is not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  document.set('maxPods', maxPods);
  return document.toString();
}
