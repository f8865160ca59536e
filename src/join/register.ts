// The node registers itself with its own certificate, as a kubelet does: the Node
// authorizer and the NodeRestriction admission plugin let system:node:<name> create
// exactly its own Node object. kwok then plays the kubelet (it keeps nodes annotated for it Ready).
import { CoreV1Api } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import { messageOf } from '../kube/client.ts';
import { isReady, kwokNode } from '../cluster/nodes.ts';
import type { NodeShape } from '../cluster/shape.ts';
import { kubeConfigFor } from './clients.ts';

type NodeCredentials = { certPem: string; keyPem: string };

export async function createSelf(server: string, caPem: string, credentials: NodeCredentials, node: NodeShape): Promise<void> {
  const core = kubeConfigFor(server, caPem, credentials).makeApiClient(CoreV1Api);
  try {
    await core.createNode({ body: kwokNode(node) });
  } catch (error) {
    throw new UserError(`node ${node.name} could not register itself: ${messageOf(error)}`, { cause: error });
  }
}

export async function waitReady(
  server: string,
  caPem: string,
  credentials: NodeCredentials,
  name: string,
  timeoutMs = 60_000,
): Promise<void> {
  const core = kubeConfigFor(server, caPem, credentials).makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  while (!isReady(await core.readNode({ name }))) {
    if (Date.now() >= deadline) {
      throw new UserError(`node ${name} registered but did not become Ready within ${timeoutMs / 1000} s`, {
        fix: 'kwok plays its kubelet: kubelab status shows whether kwok runs',
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
