// kubelab node join: kubeadm join's discovery and TLS bootstrap, performed for real against a
// kubelab cluster, after which kwok plays the new node's kubelet.
import { CoreV1Api } from '@kubernetes/client-node';
import { DEFAULT_MAX_PODS, validateShape, type NodeShape } from '../cluster/shape.ts';
import { UserError } from '../errors.ts';
import { statusOf } from '../kube/client.ts';
import { requestNodeCertificate } from './bootstrap.ts';
import { parsePins } from './ca-pin.ts';
import { kubeConfigFor } from './clients.ts';
import { discover, type Discovered } from './discovery.ts';
import { loopbackServer } from './endpoint.ts';
import { createSelf, waitReady } from './register.ts';
import { kubeletConf, recordNode, requireCluster, writeKubeletConf } from './record.ts';
import { parseToken, type BootstrapToken } from './token.ts';
import { nextNodeName } from './names.ts';

export interface JoinOptions {
  /** The kubelab cluster to join. */
  cluster: string;
  token: string;
  caCertHashes: string[];
  /** Default: the first free kub<N>. */
  nodeName?: string;
  /** host:port of the API server; default: the cluster's, on 127.0.0.1. */
  endpoint?: string;
  onStep?: (message: string) => void;
}

export interface JoinResult {
  node: string;
  csrName: string;
  kubeletConf: string;
}

export { nextNodeName };

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
  throw new UserError(`a Node with name "${name}" already exists in the cluster`, { fix: 'delete the existing Node or choose another --node-name' });
}

export async function joinNode(options: JoinOptions): Promise<JoinResult> {
  const step = options.onStep ?? (() => {});
  const token = parseToken(options.token);
  const pins = parsePins(options.caCertHashes);
  if (pins.size === 0) throw new UserError('token discovery without a CA certificate hash would trust any server', { fix: 'give --discovery-token-ca-cert-hash sha256:<hash>' });
  const given = options.endpoint === undefined ? undefined : loopbackServer(options.endpoint);
  const record = requireCluster(options.cluster);
  const endpoint = given ?? loopbackServer(`127.0.0.1:${record.ports.apiserver}`);
  const node: NodeShape = { name: options.nodeName ?? nextNodeName(record.shape.nodes), role: 'worker', maxPods: DEFAULT_MAX_PODS };
  if (record.shape.nodes.find((n) => n.name === node.name)?.role === 'control-plane') {
    throw new UserError(`a Node with name "${node.name}" already exists in the cluster`, { fix: 'choose another --node-name' });
  }
  validateShape({ ...record.shape, nodes: [...record.shape.nodes.filter((n) => n.name !== node.name), node] });

  const discovered = await discover(endpoint, token, pins, { onStep: step });
  await requireNameFree(discovered, token, node.name);
  const credentials = await requestNodeCertificate(discovered.server, discovered.caPem, token, node.name, { onStep: step });
  await createSelf(discovered.server, discovered.caPem, credentials, node);
  const file = await writeKubeletConf(options.cluster, node.name, kubeletConf(discovered.server, discovered.caPem, node.name, credentials.certPem, credentials.keyPem));
  await recordNode(options.cluster, node);
  step(`[kubelet-start] node ${node.name} registered itself as system:node:${node.name}; its kubelet.conf is ${file}`);
  await waitReady(discovered.server, discovered.caPem, credentials, node.name);
  return { node: node.name, csrName: credentials.csrName, kubeletConf: file };
}
