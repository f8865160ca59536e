import { parseDocument } from 'yaml';
import { UserError } from '../../errors.ts';

/** Where kubeadm leaves a node's kubelet settings inside a kind node. */
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';

/**
 * kubeadm-flags.env with --max-pods set to n. kubeadm writes one line,
 * KUBELET_KUBEADM_ARGS="--flag=value …", and the kubelet's flags win over its config file.
 */
export function withMaxPodsFlag(env: string, maxPods: number): string {
  const line = /^KUBELET_KUBEADM_ARGS="([^"]*)"/m.exec(env);
  if (!line) throw new UserError(`${KUBEADM_FLAGS} has no KUBELET_KUBEADM_ARGS line`);
  const args = (line[1] ?? '').split(/\s+/).filter((arg) => arg && !/^--max-pods(=|$)/.test(arg));
  args.push(`--max-pods=${maxPods}`);
  return env.replace(line[0], `KUBELET_KUBEADM_ARGS="${args.join(' ')}"`);
}

/** The kubelet's config file with maxPods set to n, everything else (comments too) kept. */
export function withMaxPodsConfig(config: string, maxPods: number): string {
  const document = parseDocument(config);
  if (document.errors.length) throw new UserError(`${KUBELET_CONFIG} is not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  document.set('maxPods', maxPods);
  return document.toString();
}
