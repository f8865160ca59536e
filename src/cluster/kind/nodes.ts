// The nodes of a kind cluster, as an administrator works on them: through `docker exec` into the
// node containers, with kubeadm and the kubelet's own configuration file.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Node } from '@kubernetes/client-node';
import { UserError } from '../../errors.ts';
import { caCertHash } from '../../join/ca-pin.ts';
import { isLoopback } from '../../join/endpoint.ts';
import { nextNodeName } from '../../join/names.ts';
import { clients, loadKubeConfig, statusOf } from '../../kube/client.ts';
import { pollUntil } from '../../poll.ts';
import type { Progress } from '../../progress.ts';
import { KUBELET_CONFIG, maxPodsOf } from '../kubelet-config.ts';
import { isReady, markShortcut } from '../nodes.ts';
import type { JoinRequest, JoinResult, KubeletConfigFile, NodePort, NodeShell } from '../provider.ts';
import { DEFAULT_MAX_PODS, nodeOf, validateShape, withNode, type NodeShape } from '../shape.ts';
import { docker, execIn } from './docker.ts';
import { inotifyShortage } from './host.ts';
import { CLUSTER_LABEL, joinNodeContainer, writeNodePatches } from './join.ts';
import { containerOf, contextName, controlPlaneContainer, newContainerName, paths, requireRecord, updateRecord } from './state.ts';
import { dockerOk } from './docker.ts';

/** Where kind writes the configuration it runs `kubeadm init` (and join) with, in each node. */
const KUBEADM_CONFIG = '/kind/kubeadm.conf';

/** How long a node may take to show a kubelet restart or a join. */
const NODE_TIMEOUT_MS = 180_000;

function core(cluster: string) {
  return clients(loadKubeConfig(paths(cluster).kubeconfig, contextName(cluster))).core;
}

/** Polls the Node until `done` holds; a missing Node counts as not done. */
async function waitForNode(cluster: string, node: string, done: (n: V1Node) => boolean, what: string): Promise<V1Node> {
  const api = core(cluster);
  const container = containerOf(requireRecord(cluster), node);
  return pollUntil<V1Node>(
    async () => {
      try {
        const found = await api.readNode({ name: node });
        if (done(found)) return { value: found };
        return { state: `allocatable pods ${found.status?.allocatable?.pods ?? '?'}, ${isReady(found) ? 'Ready' : 'not Ready'}` };
      } catch (error) {
        if (statusOf(error) === 404) return { state: 'not registered' };
        throw error;
      }
    },
    { timeoutMs: NODE_TIMEOUT_MS, describe: what, fix: `see the kubelet's log: docker exec ${container} journalctl -u kubelet` },
  );
}

/** Refuses, in one line, nodes the machine's inotify limit cannot hold (kind's known "too many open files"). */
export async function requireInotify(adding: number): Promise<void> {
  const out = await dockerOk(['ps', '--filter', `label=${CLUSTER_LABEL}`, '--format', '{{.Names}}'], 'listing kind node containers');
  const shortage = inotifyShortage(out.split('\n').filter(Boolean).length + adding);
  if (shortage) {
    throw new UserError(shortage, {
      fix: 'raise it: sudo sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288 (or stop other kind clusters)',
    });
  }
}

/** Runs kubeadm in the control plane's container (kind's nodes carry the image's kubeadm and /kind/kubeadm.conf). */
export async function kubeadmIn(cluster: string, args: string[]): Promise<string> {
  return execIn(controlPlaneContainer(requireRecord(cluster)), ['kubeadm', ...args], `kubeadm ${args.join(' ')}`);
}

/** A new bootstrap token made by kubeadm in the control plane, and the CA hash that pins the cluster. */
async function freshToken(cluster: string): Promise<{ token: string; caCertHashes: string[] }> {
  const token = (await kubeadmIn(cluster, ['token', 'create', '--ttl', '15m', '--description', 'kubelab: a node joining'])).trim();
  const ca = await execIn(controlPlaneContainer(requireRecord(cluster)), ['cat', '/etc/kubernetes/pki/ca.crt'], 'reading the cluster CA');
  return { token, caCertHashes: [caCertHash(ca)] };
}

/** A command for `sh -c`, quoted for a shell. */
const quoted = (command: string) => `'${command.replace(/'/g, `'\\''`)}'`;

/**
 * A join command printed in the control plane (docker exec … kubeadm token create
 * --print-join-command) names the API server as <cluster>-control-plane:6443, which is where the
 * new node container joins anyway; one printed on the host names 127.0.0.1. Anything else is
 * another cluster's API server.
 */
function requireOwnEndpoint(endpoint: string, controlPlane: string): void {
  const host = endpoint.replace(/^https:\/\//, '').replace(/:\d+\/?$/, '');
  if (host === controlPlane || isLoopback(host)) return;
  throw new UserError(`refusing to join ${endpoint}: this cluster's API server is ${controlPlane}:6443`, {
    fix: 'leave the endpoint out, or give the one kubeadm token create --print-join-command prints for this cluster',
  });
}

export class KindNodes implements NodePort {
  /** The node is a container: commands go in through docker exec, and systemd runs its kubelet. */
  shell(name: string, node: string): NodeShell {
    const container = containerOf(requireRecord(name), node);
    return {
      here: false,
      run: (command) => `docker exec ${container} sh -c ${quoted(command)}`,
      kubeletConfig: KUBELET_CONFIG,
      restartKubelet: `docker exec ${container} systemctl restart kubelet`,
      kubeadmConfig: KUBEADM_CONFIG,
    };
  }

  /** A new node container joins with a fresh bootstrap token, as an administrator adds a machine. */
  async add(name: string, node: NodeShape, _progress: Progress): Promise<void> {
    await requireInotify(1);
    await this.joinAs(name, node, await freshToken(name), () => {});
  }

  /** Removes a node for good: its Node object and its container. */
  async remove(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const known = record.shape.nodes.find((n) => n.name === node);
    if (known?.role === 'control-plane') throw new UserError(`${node} is the control plane and cannot be removed`);
    await core(name)
      .deleteNode({ name: node })
      .catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    if (!known) return;
    // -v: a node container's /var is an anonymous volume (its containerd store, some 700 MB).
    await docker(['rm', '-f', '-v', containerOf(record, node)]);
    await rm(join(paths(name).patches, node), { recursive: true, force: true });
    await updateRecord(name, (r) => {
      const containers = { ...r.containers };
      delete containers[node];
      return { ...r, containers, shape: { ...r.shape, nodes: r.shape.nodes.filter((n) => n.name !== node) } };
    });
  }

  /** kubeadm join itself, with the user's token and CA hash, in a new node container. */
  async join(name: string, request: JoinRequest): Promise<JoinResult> {
    const record = requireRecord(name);
    const nodeName = request.nodeName ?? nextNodeName(record.shape.nodes);
    const existing = record.shape.nodes.find((n) => n.name === nodeName);
    if (existing?.role === 'control-plane')
      throw new UserError(`${nodeName} is the control plane's name`, { fix: 'choose another --node-name' });
    if (existing) {
      if (
        await core(name)
          .readNode({ name: nodeName })
          .catch(() => undefined)
      ) {
        throw new UserError(`a Node with name "${nodeName}" already exists in the cluster`, {
          fix: 'delete the existing Node or choose another --node-name',
        });
      }
      // The Node was deleted; its old container goes, as a retired machine would.
      await docker(['rm', '-f', '-v', containerOf(record, nodeName)]);
    }
    if (request.endpoint !== undefined) requireOwnEndpoint(request.endpoint, controlPlaneContainer(record));
    const node: NodeShape = existing ?? { name: nodeName, role: 'worker', maxPods: DEFAULT_MAX_PODS };
    validateShape({ ...record.shape, nodes: withNode(record.shape.nodes, node) });
    await requireInotify(1);
    await this.joinAs(name, node, request, request.onStep ?? (() => {}));
    return { node: nodeName, detail: `container ${containerOf(requireRecord(name), nodeName)} ran kubeadm join; its kubelet runs there` };
  }

  /**
   * Brings back a node whose Node object was deleted, as a rebuilt machine: a fresh container
   * from the node image joins again with a new bootstrap token, and keeps its name and max
   * pods. A control plane cannot be rebuilt so: it holds the cluster's etcd.
   */
  async rebuild(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const shape = nodeOf(record.shape, node);
    if (shape.role === 'control-plane') {
      throw new UserError(`${node} is the control plane: rebuilding it would lose the cluster's etcd`, {
        fix: `recreate the cluster: kubelab delete --name ${name}, then kubelab up`,
      });
    }
    if (
      await core(name)
        .readNode({ name: node })
        .catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)))
    ) {
      throw new UserError(`node "${node}" is still registered, and kubeadm join refuses a name that is in use`, {
        fix: `remove it first: kubectl delete node ${node}`,
      });
    }
    await docker(['rm', '-f', '-v', containerOf(record, node)]);
    await this.joinAs(name, shape, await freshToken(name), () => {});
    await markShortcut(core(name), node);
  }

  kubeletConfig(name: string, node: string): KubeletConfigFile {
    const container = containerOf(requireRecord(name), node);
    return {
      where: `${KUBELET_CONFIG} in container ${container} (docker exec -it ${container} bash)`,
      read: () => execIn(container, ['cat', KUBELET_CONFIG], `reading ${KUBELET_CONFIG} of ${node}`),
      write: async (text) => {
        await execIn(container, ['sh', '-c', 'cat > "$1"', 'sh', KUBELET_CONFIG], `writing ${KUBELET_CONFIG} of ${node}`, text);
      },
    };
  }

  /** systemctl restart kubelet in the node, then waits until the Node reports the file's max pods. */
  async restartKubelet(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const shape = nodeOf(record.shape, node);
    const maxPods = maxPodsOf(await this.kubeletConfig(name, node).read());
    await execIn(containerOf(record, node), ['systemctl', 'restart', 'kubelet'], `restarting the kubelet of ${node}`);
    await waitForNode(
      name,
      node,
      (n) => isReady(n) && Number(n.status?.allocatable?.pods) === maxPods,
      `node ${node} to report ${maxPods} allocatable pods`,
    );
    // A rebuilt node joins with these patches again, so it keeps the setting.
    await writeNodePatches(join(paths(name).patches, node), { ...shape, maxPods });
    await updateRecord(name, (r) => ({ ...r, shape: { ...r.shape, nodes: withNode(r.shape.nodes, { ...shape, maxPods }) } }));
  }

  private async joinAs(
    name: string,
    node: NodeShape,
    credentials: { token: string; caCertHashes: string[] },
    onStep: (line: string) => void,
  ): Promise<void> {
    const record = requireRecord(name);
    const container = record.containers?.[node.name] ?? newContainerName(record);
    await joinNodeContainer({
      cluster: name,
      image: record.image,
      node,
      container,
      controlPlane: controlPlaneContainer(record),
      token: credentials.token,
      caCertHashes: credentials.caCertHashes,
      patchesDir: join(paths(name).patches, node.name),
      onStep,
    });
    await updateRecord(name, (r) => ({
      ...r,
      containers: { ...r.containers, [node.name]: container },
      shape: { ...r.shape, nodes: withNode(r.shape.nodes, node) },
    }));
    await waitForNode(name, node.name, isReady, `node ${node.name} to register and become Ready`);
  }
}
