import type { Command } from 'commander';
import type { Provider } from '../cluster/provider.ts';
import type { ClusterOptions } from './node.ts';

interface JoinFlags extends ClusterOptions {
  token: string;
  discoveryTokenCaCertHash: string[];
  nodeName?: string;
}

/**
 * `kubelab node join`: what kubeadm join does, on the cluster's provider. On kind that is
 * kubeadm join itself in a new node container; on the local provider, kubeadm join's
 * discovery and TLS bootstrap performed for real, after which kwok plays the node's kubelet.
 */
export function addJoinCommand(group: Command, providerOf: (options: ClusterOptions) => Provider): void {
  group
    .command('join')
    .description('join a worker as kubeadm join does: token discovery, CA pinning, TLS bootstrap')
    .argument('[api-server-endpoint]', 'host:port of the API server (local provider only; default: the cluster’s, on 127.0.0.1)')
    .requiredOption('--token <token>', 'bootstrap token <id>.<secret> (kubeadm token list)')
    .requiredOption(
      '--discovery-token-ca-cert-hash <hash>',
      'sha256:<hex> of the CA’s public key; may be repeated',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--node-name <name>', 'name of the new node (default: the first free kub<N>)')
    .option('--name <name>', 'kubelab cluster name', process.env.KUBELAB_CLUSTER ?? 'kubelab')
    .option('--provider <provider>', 'auto, local, kind or existing', 'auto')
    .action(async (endpoint: string | undefined, flags: JoinFlags) => {
      const result = await providerOf(flags).joinNode(flags.name, {
        token: flags.token,
        caCertHashes: flags.discoveryTokenCaCertHash,
        nodeName: flags.nodeName,
        endpoint,
        onStep: (line) => console.log(line),
      });
      console.log(`\nThis node has joined the cluster as ${result.node}: ${result.detail}.`);
      console.log(`Run 'kubectl get nodes' to see it, and 'kubectl get csr' to see its certificate request.`);
    });
}
