import type { Command } from 'commander';
import { joinNode } from '../join/index.ts';

interface JoinFlags {
  token: string;
  discoveryTokenCaCertHash: string[];
  nodeName?: string;
  name: string;
}

/** `kubelab node join`: kubeadm join's discovery and TLS bootstrap, then kwok plays the node's kubelet. */
export function addJoinCommand(group: Command): void {
  group
    .command('join')
    .description('join a worker as kubeadm join does: token discovery, CA pinning, TLS bootstrap (kwok plays its kubelet)')
    .argument('[api-server-endpoint]', 'host:port of the API server (default: the cluster’s, on 127.0.0.1)')
    .requiredOption('--token <token>', 'bootstrap token <id>.<secret> (kubeadm token list)')
    .requiredOption(
      '--discovery-token-ca-cert-hash <hash>',
      'sha256:<hex> of the CA’s public key; may be repeated',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--node-name <name>', 'name of the new node (default: the first free kub<N>)')
    .option('--name <name>', 'kubelab cluster name', process.env.KUBELAB_CLUSTER ?? 'kubelab')
    .action(async (endpoint: string | undefined, flags: JoinFlags) => {
      const result = await joinNode({
        cluster: flags.name,
        token: flags.token,
        caCertHashes: flags.discoveryTokenCaCertHash,
        nodeName: flags.nodeName,
        endpoint,
        onStep: (message) => console.log(message),
      });
      console.log(`\nThis node has joined the cluster as ${result.node}: its client certificate came from CSR ${result.csrName}.`);
      console.log(`Run 'kubectl get nodes' to see it, and 'kubectl get csr' to see the request.`);
    });
}
