import type { Command } from 'commander';
import type { ClusterTarget, ResolvedTarget } from '../target.ts';
import { UserError } from '../errors.ts';
import { parsePins } from '../join/ca-pin.ts';
import { parseToken } from '../join/token.ts';
import { nameOption, providerOption } from './options.ts';

interface JoinFlags extends ClusterTarget {
  token: string;
  discoveryTokenCaCertHash: string[];
  nodeName?: string;
}

/**
 * `kubelab node join`: what kubeadm join does, on the cluster's provider. On kind that is
 * kubeadm join itself in a new node container; on the local provider, kubeadm join's
 * discovery and TLS bootstrap performed for real, after which kwok plays the node's kubelet.
 */
export function addJoinCommand(group: Command, targetOf: (options: ClusterTarget) => Promise<ResolvedTarget>): void {
  group
    .command('join')
    .description('join a worker as kubeadm join does: token discovery, CA pinning, TLS bootstrap')
    .argument(
      '[api-server-endpoint]',
      'host:port of the API server, as kubeadm token create --print-join-command prints it (default: the cluster’s)',
    )
    .requiredOption('--token <token>', 'bootstrap token <id>.<secret> (kubeadm token list)')
    .requiredOption(
      '--discovery-token-ca-cert-hash <hash>',
      'sha256:<hex> of the CA’s public key; may be repeated',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--node-name <name>', 'name of the new node (default: the first free kub<N>)')
    .addOption(nameOption())
    .addOption(providerOption())
    .action(async (endpoint: string | undefined, flags: JoinFlags) => {
      // Checked before anything is dialled or started, whichever provider runs the cluster.
      parseToken(flags.token);
      if (parsePins(flags.discoveryTokenCaCertHash).size === 0)
        throw new UserError('token discovery without a CA certificate hash would trust any server', {
          fix: 'give --discovery-token-ca-cert-hash sha256:<hash>',
        });
      const { provider, access } = await targetOf(flags);
      const result = await provider.nodes.join(access.name, {
        token: flags.token,
        caCertHashes: flags.discoveryTokenCaCertHash,
        nodeName: flags.nodeName,
        endpoint,
        onStep: (line: string) => console.log(line),
      });
      console.log(`\nThis node has joined the cluster as ${result.node}: ${result.detail}.`);
      console.log(`Run 'kubectl get nodes' to see it, and 'kubectl get csr' to see its certificate request.`);
    });
}
