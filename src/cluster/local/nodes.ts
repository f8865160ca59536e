// The local provider's nodes. kwok plays each node's kubelet, and kubelab plays what the kubelet
// does when it starts: it reads the node's kubelet configuration file (under the cluster's state,
// in the KubeletConfiguration format kubeadm writes) and registers or updates the Node from it.
// So a changed file takes effect at the next kubelet restart, as on a real node, and a patch of
// the Node's status alone is overwritten then.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchStrategy, setHeaderOptions, type CoreV1Api } from '@kubernetes/client-node';
import { UserError } from '../../errors.ts';
import { joinNode } from '../../join/index.ts';
import { loopbackServer } from '../../join/endpoint.ts';
import { nextNodeName } from '../../join/names.ts';
import { clients, loadKubeConfig, messageOf, statusOf } from '../../kube/client.ts';
import { pollUntil } from '../../poll.ts';
import type { Progress } from '../../progress.ts';
import { kubeletConfiguration, maxPodsOf } from '../kubelet-config.ts';
import { configzAnnotation, isReady, kwokNode, markShortcut } from '../nodes.ts';
import type { JoinRequest, JoinResult, KubeletConfigFile, NodePort, NodeShell } from '../provider.ts';
import { DEFAULT_MAX_PODS, nodeOf, validateShape, withNode, type NodeShape } from '../shape.ts';
import { supervisorRunning } from './processes.ts';
import { contextName, paths, readRecord, updateRecord, type LocalRecord } from './state.ts';

function requireRecord(name: string): LocalRecord {
  const record = readRecord(name);
  if (!record) throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  return record;
}

function nodeDir(cluster: string, node: string): string {
  return join(paths(cluster).nodes, node);
}

export function kubeletConfigPath(cluster: string, node: string): string {
  return join(nodeDir(cluster, node), 'kubelet', 'config.yaml');
}

function core(cluster: string): CoreV1Api {
  return clients(loadKubeConfig(paths(cluster).kubeconfig, contextName(cluster))).core;
}

async function updateNodes(cluster: string, change: (nodes: NodeShape[]) => NodeShape[]): Promise<void> {
  await updateRecord(cluster, (record) => ({ ...record, shape: { ...record.shape, nodes: change(record.shape.nodes) } }));
}

/** The node's kubelet configuration as kubeadm would have written it at join, made once. */
export async function writeKubeletConfig(cluster: string, node: NodeShape): Promise<void> {
  const file = kubeletConfigPath(cluster, node.name);
  if (existsSync(file)) return;
  await mkdir(join(nodeDir(cluster, node.name), 'kubelet'), { recursive: true });
  await writeFile(file, kubeletConfiguration(node.maxPods));
}

async function waitNode(cluster: string, node: string, done: (pods: number, ready: boolean) => boolean, what: string): Promise<void> {
  const api = core(cluster);
  await pollUntil<true>(
    async () => {
      try {
        const found = await api.readNode({ name: node });
        const pods = Number(found.status?.allocatable?.pods);
        return done(pods, isReady(found))
          ? { value: true }
          : { state: `allocatable pods ${pods}, ${isReady(found) ? 'Ready' : 'not Ready'}` };
      } catch (error) {
        if (statusOf(error) === 404) return { state: 'not registered' };
        throw error;
      }
    },
    { timeoutMs: 30_000, intervalMs: 100, describe: what, fix: `see ${join(paths(cluster).logs, 'kwok.log')}` },
  );
}

/** Registers the Node as its kubelet would at start, with the max pods of its configuration file. */
export async function registerNode(cluster: string, node: NodeShape, api: CoreV1Api = core(cluster)): Promise<void> {
  await writeKubeletConfig(cluster, node);
  const maxPods = maxPodsOf(await readFile(kubeletConfigPath(cluster, node.name), 'utf8'));
  try {
    await api.createNode({ body: kwokNode({ ...node, maxPods }) });
  } catch (error) {
    if (statusOf(error) === 409) {
      throw new UserError(`node "${node.name}" is still registered, and kubeadm join refuses a name that is in use`, {
        cause: error,
        fix: `remove it first: kubectl delete node ${node.name}`,
      });
    }
    throw new UserError(`cannot register node ${node.name}: ${messageOf(error)}`, { cause: error });
  }
}

export class LocalNodes implements NodePort {
  /** The node's files are on this machine, and kubelab plays its kubelet's restart. */
  shell(name: string, node: string): NodeShell {
    nodeOf(requireRecord(name).shape, node);
    return {
      here: true,
      run: (command) => command,
      kubeletConfig: kubeletConfigPath(name, node),
      restartKubelet: `kubelab node restart-kubelet ${node} --name ${name}`,
      kubeadmConfig: paths(name).kubeadmConfig,
    };
  }

  async add(name: string, node: NodeShape, _progress: Progress): Promise<void> {
    await registerNode(name, node);
    await updateNodes(name, (nodes) => withNode(nodes, node));
    await waitNode(name, node.name, (_, ready) => ready, `node ${node.name} to become Ready`);
  }

  async remove(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    if (record.shape.nodes.find((n) => n.name === node)?.role === 'control-plane')
      throw new UserError(`${node} is the control plane and cannot be removed`);
    await core(name)
      .deleteNode({ name: node })
      .catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    await rm(nodeDir(name, node), { recursive: true, force: true });
    await updateNodes(name, (nodes) => nodes.filter((n) => n.name !== node));
  }

  /** kubeadm join's discovery and TLS bootstrap, for real, against the cluster's API server on loopback. */
  async join(name: string, request: JoinRequest): Promise<JoinResult> {
    const record = requireRecord(name);
    const server =
      request.endpoint === undefined ? loopbackServer(`127.0.0.1:${record.ports.apiserver}`) : loopbackServer(request.endpoint);
    const node: NodeShape = { name: request.nodeName ?? nextNodeName(record.shape.nodes), role: 'worker', maxPods: DEFAULT_MAX_PODS };
    if (record.shape.nodes.find((n) => n.name === node.name)?.role === 'control-plane') {
      throw new UserError(`a Node with name "${node.name}" already exists in the cluster`, { fix: 'choose another --node-name' });
    }
    validateShape({ ...record.shape, nodes: withNode(record.shape.nodes, node) });
    const joined = await joinNode({ server, token: request.token, caCertHashes: request.caCertHashes, node, onStep: request.onStep });
    await mkdir(nodeDir(name, node.name), { recursive: true, mode: 0o700 });
    const kubeletConf = join(nodeDir(name, node.name), 'kubelet.conf');
    await writeFile(kubeletConf, joined.kubeletConf, { mode: 0o600 });
    await writeKubeletConfig(name, node);
    await updateNodes(name, (nodes) => withNode(nodes, node));
    request.onStep?.(`[kubelet-start] node ${node.name} registered itself as system:node:${node.name}; its kubelet.conf is ${kubeletConf}`);
    await joined.ready();
    return {
      node: node.name,
      detail: `its client certificate came from CSR ${joined.csrName}; kwok plays its kubelet, with its kubelet.conf in ${kubeletConf}`,
    };
  }

  /** A rebuilt machine registers the same Node a fresh kubelet would: kwok plays that kubelet. */
  async rebuild(name: string, node: string): Promise<void> {
    const shape = nodeOf(requireRecord(name).shape, node);
    if (!supervisorRunning(name))
      throw new UserError(`cluster "${name}" is not running`, { fix: `start it with: kubelab up --name ${name}` });
    await registerNode(name, shape);
    await markShortcut(core(name), node);
    await waitNode(name, node, (_, ready) => ready, `node ${node} to become Ready`);
  }

  kubeletConfig(name: string, node: string): KubeletConfigFile {
    const file = kubeletConfigPath(name, node);
    return {
      where: file,
      read: async () => {
        // Clusters made before nodes had configuration files get one from their record.
        await writeKubeletConfig(name, nodeOf(requireRecord(name).shape, node));
        return readFile(file, 'utf8');
      },
      write: (text) => writeFile(file, text),
    };
  }

  /** What a kubelet does as it starts: reads its configuration and reports its capacity on the Node. */
  async restartKubelet(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const shape = nodeOf(record.shape, node);
    if (!supervisorRunning(name))
      throw new UserError(`cluster "${name}" is not running`, { fix: `start it with: kubelab up --name ${name}` });
    const maxPods = maxPodsOf(await this.kubeletConfig(name, node).read());
    const pods = String(maxPods);
    try {
      const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      await core(name).patchNodeStatus({ name: node, body: { status: { capacity: { pods }, allocatable: { pods } } } }, merge);
      await core(name).patchNode({ name: node, body: { metadata: { annotations: configzAnnotation(maxPods) } } }, merge);
    } catch (error) {
      if (statusOf(error) === 404)
        throw new UserError(`node "${node}" is not registered`, { cause: error, fix: `bring it back with: kubelab node rebuild ${node}` });
      throw new UserError(`cannot update node ${node}: ${messageOf(error)}`, { cause: error });
    }
    await updateNodes(name, (nodes) => withNode(nodes, { ...shape, maxPods }));
    await waitNode(name, node, (allocatable) => allocatable === maxPods, `node ${node} to report ${maxPods} allocatable pods`);
  }
}
