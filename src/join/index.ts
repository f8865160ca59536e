// kubeadm join's discovery and TLS bootstrap, performed for real against an API server on this
// machine, after which kwok plays the new node's kubelet (the local provider's join).
import { CoreV1Api } from '@kubernetes/client-node';
import type { NodeShape } from '../cluster/shape.ts';
import { UserError } from '../errors.ts';
import { statusOf } from '../kube/client.ts';
import { requestNodeCertificate } from './bootstrap.ts';
import { parsePins } from './ca-pin.ts';
import { kubeConfigFor } from './clients.ts';
import { discover, type Discovered } from './discovery.ts';
import { createSelf, waitReady } from './register.ts';
import { kubeletConf } from './kubelet-conf.ts';
import { parseToken, type BootstrapToken } from './token.ts';

export interface JoinOptions {
  /** https://host:port of the API server, on this machine. */
  server: string;
  token: string;
  caCertHashes: string[];
  /** The node as it registers; kwok then plays its kubelet. */
  node: NodeShape;
  onStep?: (message: string) => void;
}

export interface JoinResult {
  csrName: string;
  /** The kubeconfig a kubelet keeps after TLS bootstrap, with the node's own certificate. */
  kubeletConf: string;
  /** Resolves once the Node is Ready. */
  ready: () => Promise<void>;
}

/** kubeadm refuses to join under the name of a Node that exists; the bootstrap token may get Nodes for this. */
async function requireNameFree(discovered: Discovered, token: BootstrapToken, name: string): Promise<void> {
  const core = kubeConfigFor(discovered.server, discovered.caPem, { token: `${token.id}.${token.secret}` }).makeApiClient(CoreV1Api);
  try {
    await core.readNode({ name });
  } catch (error) {
    // 404: free. 403: this token may not look, so creating the Node will tell.
    if (statusOf(error) === 404 || statusOf(error) === 403) return;
    throw error;
  }
  throw new UserError(`a Node with name "${name}" already exists in the cluster`, {
    fix: 'delete the existing Node or choose another --node-name',
  });
}

/** kubeadm join's discovery and TLS bootstrap, performed for real; the node then registers itself with its own certificate. */
export async function joinNode(options: JoinOptions): Promise<JoinResult> {
  const step = options.onStep ?? (() => {});
  const token = parseToken(options.token);
  const pins = parsePins(options.caCertHashes);
  if (pins.size === 0)
    throw new UserError('token discovery without a CA certificate hash would trust any server', {
      fix: 'give --discovery-token-ca-cert-hash sha256:<hash>',
    });
  const { node } = options;
  const discovered = await discover(options.server, token, pins, { onStep: step });
  await requireNameFree(discovered, token, node.name);
  const credentials = await requestNodeCertificate(discovered.server, discovered.caPem, token, node.name, { onStep: step });
  await createSelf(discovered.server, discovered.caPem, credentials, node);
  return {
    csrName: credentials.csrName,
    kubeletConf: kubeletConf(discovered.server, discovered.caPem, node.name, credentials.certPem, credentials.keyPem),
    ready: () => waitReady(discovered.server, discovered.caPem, credentials, node.name),
  };
}
