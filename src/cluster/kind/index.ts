import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { caCertHash } from '../../join/ca-pin.ts';
import { clients, loadKubeConfig, statusOf } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { apiServerHealth, nodeSummaries } from '../existing/api.ts';
import type { ClusterAccess, ClusterStatus, ComponentHealth, JoinRequest, JoinResult, Provider } from '../provider.ts';
import { DEFAULT_MAX_PODS, validateShape, type ClusterShape, type NodeShape } from '../shape.ts';
import { waitForCluster } from '../wait.ts';
import { createCluster, deleteCluster, ensureKind, findKind, getClusters, KIND_VERSION, probeKind } from './cli.ts';
import { imageKubernetesVersion, renderKindConfig } from './config.ts';
import { clusterContainers, docker, dockerOk, execIn, imagePresent, probeDocker, type Container } from './docker.ts';
import { hostCgroupVersion, inotifyShortage } from './host.ts';
import { nodeImageTag } from './image/recipe.ts';
import { CLUSTER_LABEL, joinNodeContainer, writeNodePatches } from './join.ts';
import { containerNames, containerOf as containerIn } from './names.ts';
import { kubeadmIn, setKubeletMaxPods, waitForNode, type NodeTarget } from './nodes.ts';
import { contextName, listRecords, MARKER, paths, readRecord, writeRecord, type KindRecord } from './state.ts';
import { versions } from '../../binaries/versions.ts';
import { isReady } from '../nodes.ts';
import { nextNodeName } from '../../join/names.ts';

export interface KindOptions {
  /** The node image; default $KUBELAB_KIND_IMAGE, else the one `kubelab image build` makes from this checkout. */
  image?: string;
  /** How long `up` waits for every node and kube-system workload to be ready, from when the image is ready. */
  timeoutMs?: number;
  /** How long a node operation waits for the Node to show its effect. */
  nodeTimeoutMs?: number;
}

/** The node image for new clusters: --image, then $KUBELAB_KIND_IMAGE, then kubelab's own build of this checkout's recipe. */
export function nodeImage(flag?: string): string {
  return flag || process.env.KUBELAB_KIND_IMAGE || nodeImageTag();
}

/**
 * Real kubelets in Docker containers, made and removed by the kind CLI. The Nodes carry the
 * shape's names (kub1, kub2…); the containers keep kind's names, and the cluster's record maps
 * one to the other wherever kubelab has to reach into a node.
 */
export class KindProvider implements Provider {
  readonly name = 'kind' as const;
  readonly image: string;
  readonly timeoutMs: number;
  readonly nodeTimeoutMs: number;

  constructor(options: KindOptions = {}) {
    this.image = nodeImage(options.image);
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? 180_000;
  }

  async up(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    requireDocker();
    const kind = await ensureKind(progress);
    const record = readRecord(shape.name);
    let exists = (await getClusters(kind)).includes(shape.name);
    if (record && !record.created && exists) {
      progress.step(`an earlier create of "${shape.name}" was interrupted: removing what it left`);
      await removeCluster(kind, shape.name, progress);
      exists = false;
    }
    if (record?.created && exists) {
      if (JSON.stringify(record.shape) !== JSON.stringify(shape)) {
        throw new UserError(`cluster "${shape.name}" already exists with another shape (nodes ${record.shape.nodes.map((n) => n.name).join(',')})`, {
          fix: `run kubelab up --name ${shape.name} without shape flags to resume it, or kubelab delete --name ${shape.name} first`,
        });
      }
      await resume(shape.name, progress);
    } else if (exists) {
      throw new UserError(`a kind cluster named "${shape.name}" exists, but kubelab did not create it`, {
        fix: `choose another --name, or work on it with --provider existing --context ${contextName(shape.name)}`,
      });
    } else {
      if (record?.created) progress.step(`kind cluster "${shape.name}" was removed outside kubelab: creating it again`);
      await this.create(shape, kind, progress);
    }
    progress.step('waiting for nodes Ready and kube-system pods Running');
    await waitForCluster(this.access(shape.name), shape.nodes.map((n) => n.name), Date.now() + this.timeoutMs, progress);
    return this.access(shape.name);
  }

  private requireImage(): void {
    if (imagePresent(this.image)) return;
    if (this.image === nodeImageTag()) {
      throw new UserError(`the kind node image ${this.image} is not built yet`, { fix: 'run kubelab image build (15–35 minutes the first time; see kubelab image build --help), or use --provider local' });
    }
    throw new UserError(`the node image ${this.image} is not in Docker's image store, and kubelab does not pull images`, {
      fix: `build it with kubelab image build (and leave out --image and KUBELAB_KIND_IMAGE), or load ${this.image} into Docker yourself`,
    });
  }

  private async create(shape: ClusterShape, kind: string, progress: Progress): Promise<void> {
    this.requireImage();
    await requireInotify(shape.nodes.length);
    const p = paths(shape.name);
    if (existsSync(p.dir) && !readRecord(shape.name)) {
      throw new UserError(`${p.dir} exists but kubelab did not create it`, { fix: 'move it away or choose another --name' });
    }
    await rm(p.dir, { recursive: true, force: true });
    await mkdir(p.dir, { recursive: true });
    for (const node of shape.nodes) await writeNodePatches(join(p.patches, node.name), node);
    const kubernetesVersion = imageKubernetesVersion(this.image) ?? versions.kubernetes;
    await writeFile(p.config, renderKindConfig(shape, { kubernetesVersion, cgroupV1: hostCgroupVersion() === 1, patchesRoot: p.patches }));
    // Recorded before kind starts, so that an interrupted create can still be deleted.
    const containers = Object.fromEntries(containerNames(shape));
    const record: KindRecord = { createdBy: 'kubelab', provider: 'kind', image: this.image, kindVersion: KIND_VERSION, createdAt: new Date().toISOString(), shape, containers, created: false };
    await writeRecord(record);
    progress.step(`creating kind cluster "${shape.name}" (${this.image}, nodes ${describeNodes(shape)})`);
    try {
      await createCluster(kind, { name: shape.name, image: this.image, config: p.config, kubeconfig: p.kubeconfig, wait: '120s' }, progress);
    } catch (error) {
      // kind removes the containers of a failed create itself; the record goes with them.
      await rm(p.dir, { recursive: true, force: true });
      throw error;
    }
    await writeRecord({ ...record, created: true });
  }

  /**
   * Brings a running cluster to a shape with other nodes, as an administrator would: new
   * nodes join with a fresh bootstrap token, removed nodes are deleted and their containers
   * go, and changed max pods are set in each kubelet's configuration. Other networks mean a
   * new cluster.
   */
  async reshape(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    let record = requireRecord(shape.name);
    const networks = (s: ClusterShape) => JSON.stringify([s.podSubnet, s.serviceSubnet, s.nodes.find((n) => n.role === 'control-plane')?.name]);
    if (networks(record.shape) !== networks(shape)) {
      progress.step(`kind cannot change the networks or control plane of a cluster: recreating "${shape.name}" with nodes ${describeNodes(shape)}`);
      await this.delete(shape.name, progress);
      return this.up(shape, progress);
    }
    await this.up(record.shape, progress);
    const { core } = clients(loadKubeConfig(this.access(shape.name).kubeconfig));
    for (const node of record.shape.nodes.filter((n) => !shape.nodes.some((s) => s.name === n.name))) {
      progress.step(`removing node ${node.name}`);
      await this.removeNode(shape.name, node.name);
    }
    const missing = shape.nodes.filter((n) => !record.shape.nodes.some((r) => r.name === n.name));
    if (missing.length) {
      await requireInotify(missing.length);
      const token = await this.freshToken(shape.name);
      // Joins run one after another: on a small machine parallel joins mostly wait for each other.
      for (const node of missing) {
        progress.step(`joining node ${node.name} (kubeadm join)`);
        await this.join(shape.name, { ...token, node }, (line) => progress.update(line));
      }
    }
    record = requireRecord(shape.name);
    for (const node of shape.nodes) {
      const current = record.shape.nodes.find((n) => n.name === node.name);
      const registered = await core.readNode({ name: node.name }).catch(() => undefined);
      if (current?.maxPods !== node.maxPods || Number(registered?.status?.allocatable?.pods) !== node.maxPods) {
        progress.step(`setting max pods of ${node.name} to ${node.maxPods}`);
        await this.setMaxPods(shape.name, node.name, node.maxPods);
      }
    }
    await waitForCluster(this.access(shape.name), shape.nodes.map((n) => n.name), Date.now() + this.timeoutMs, progress);
    return this.access(shape.name);
  }

  async setMaxPods(name: string, node: string, maxPods: number): Promise<void> {
    const record = requireRecord(name);
    if (!Number.isInteger(maxPods) || maxPods < 1 || maxPods > 10000) throw new UserError(`invalid max pods ${maxPods}`, { fix: 'use a whole number from 1 to 10000' });
    const shape = nodeOf(record, node);
    await setKubeletMaxPods(this.target(record, node), maxPods, this.nodeTimeoutMs);
    // A rebuilt node joins with these patches again, so it keeps the setting.
    await writeNodePatches(join(paths(name).patches, node), { ...shape, maxPods });
    await updateRecord(name, (r) => ({ ...r, shape: { ...r.shape, nodes: r.shape.nodes.map((n) => (n.name === node ? { ...n, maxPods } : n)) } }));
  }

  /**
   * Brings back a node whose Node object was deleted, as a rebuilt machine: a fresh container
   * from the node image joins the cluster again with a new bootstrap token, and keeps its name
   * and max pods. A control plane cannot be rebuilt so: it holds the cluster's etcd.
   */
  async rebuildNode(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const shape = nodeOf(record, node);
    if (shape.role === 'control-plane') {
      throw new UserError(`${node} is the control plane: rebuilding it would lose the cluster's etcd`, { fix: `recreate the cluster: kubelab delete --name ${name}, then kubelab up` });
    }
    const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
    const registered = await core.readNode({ name: node }).catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    if (registered) {
      throw new UserError(`node "${node}" is still registered, and kubeadm join refuses a name that is in use`, { fix: `remove it first: kubectl delete node ${node}` });
    }
    await docker(['rm', '-f', containerOf(record, node)]);
    await this.join(name, { ...(await this.freshToken(name)), node: shape }, () => {});
  }

  async joinNode(name: string, request: JoinRequest): Promise<JoinResult> {
    const record = requireRecord(name);
    const nodeName = request.nodeName ?? nextNodeName(record.shape.nodes);
    if (record.shape.nodes.some((n) => n.name === nodeName)) {
      const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
      if (await core.readNode({ name: nodeName }).catch(() => undefined)) {
        throw new UserError(`a Node with name "${nodeName}" already exists in the cluster`, { fix: 'delete the existing Node or choose another --node-name' });
      }
      if (nodeOf(record, nodeName).role === 'control-plane') throw new UserError(`${nodeName} is the control plane's name`, { fix: 'choose another --node-name' });
      await docker(['rm', '-f', containerOf(record, nodeName)]);
    }
    const node: NodeShape = record.shape.nodes.find((n) => n.name === nodeName) ?? { name: nodeName, role: 'worker', maxPods: DEFAULT_MAX_PODS };
    await requireInotify(1);
    validateShape({ ...record.shape, nodes: [...record.shape.nodes.filter((n) => n.name !== nodeName), node] });
    await this.join(name, { token: request.token, caCertHashes: request.caCertHashes, node }, request.onStep ?? (() => {}));
    return { node: nodeName, detail: `container ${containerOf(requireRecord(name), nodeName)}, joined with kubeadm join; its kubelet runs there` };
  }

  /** Removes a node for good: its Node object and its container. */
  async removeNode(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const known = record.shape.nodes.find((n) => n.name === node);
    if (known?.role === 'control-plane') throw new UserError(`${node} is the control plane and cannot be removed`);
    const { core } = clients(loadKubeConfig(this.access(name).kubeconfig));
    await core.deleteNode({ name: node }).catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    if (!known) return;
    await docker(['rm', '-f', containerOf(record, node)]);
    await rm(join(paths(name).patches, node), { recursive: true, force: true });
    await updateRecord(name, (r) => {
      const containers = { ...r.containers };
      delete containers[node];
      return { ...r, containers, shape: { ...r.shape, nodes: r.shape.nodes.filter((n) => n.name !== node) } };
    });
  }

  private async join(name: string, request: { token: string; caCertHashes: string[]; node: NodeShape }, onStep: (line: string) => void): Promise<void> {
    const record = requireRecord(name);
    const container = record.containers?.[request.node.name] ?? newContainerName(record);
    const controlPlane = record.shape.nodes.find((n) => n.role === 'control-plane')!;
    await joinNodeContainer({
      cluster: name,
      image: record.image,
      node: request.node,
      container,
      controlPlane: containerOf(record, controlPlane.name),
      token: request.token,
      caCertHashes: request.caCertHashes,
      patchesDir: join(paths(name).patches, request.node.name),
      onStep,
    });
    await updateRecord(name, (r) => ({
      ...r,
      containers: { ...r.containers, [request.node.name]: container },
      shape: { ...r.shape, nodes: withNode(r.shape.nodes, request.node) },
    }));
    await waitForNode(this.target(requireRecord(name), request.node.name), isReady, `node ${request.node.name} to register and become Ready`, this.nodeTimeoutMs);
  }

  /** A new bootstrap token made by kubeadm in the control plane, and the CA hash that pins the cluster. */
  private async freshToken(name: string): Promise<{ token: string; caCertHashes: string[] }> {
    const record = requireRecord(name);
    const controlPlane = containerOf(record, record.shape.nodes.find((n) => n.role === 'control-plane')!.name);
    const token = (await kubeadmIn(controlPlane, ['token', 'create', '--ttl', '15m', '--description', 'kubelab: a node joining'])).trim();
    const ca = await execIn(controlPlane, ['cat', '/etc/kubernetes/pki/ca.crt'], 'reading the cluster CA');
    return { token, caCertHashes: [caCertHash(ca)] };
  }

  async execKubeadm(name: string, args: string[]): Promise<string> {
    const record = requireRecord(name);
    return kubeadmIn(containerOf(record, record.shape.nodes.find((n) => n.role === 'control-plane')!.name), args);
  }

  async down(name: string, progress: Progress): Promise<void> {
    requireRecord(name);
    requireDocker();
    const running = (await clusterContainers(name)).filter((c) => c.state === 'running');
    if (running.length === 0) {
      progress.done(`cluster "${name}" is not running`);
      return;
    }
    progress.step(`stopping kind cluster "${name}" (docker stop ${running.map((c) => c.name).join(' ')})`);
    await dockerOk(['stop', ...running.map((c) => c.name)], `docker stop of cluster "${name}"`);
    progress.done(`stopped cluster "${name}"; kubelab up --name ${name} resumes it`);
  }

  async delete(name: string, progress: Progress): Promise<void> {
    const record = readRecord(name);
    if (!record) {
      await refuseForeign(name);
      progress.done(`no kind cluster named "${name}"; nothing to delete`);
      return;
    }
    requireDocker();
    const kind = await ensureKind(progress);
    progress.step(`deleting kind cluster "${name}"`);
    await removeCluster(kind, name, progress);
    await rm(paths(name).dir, { recursive: true, force: true });
    progress.done(`deleted cluster "${name}"`);
  }

  async list(): Promise<string[]> {
    return listRecords();
  }

  shapeOf(name: string): ClusterShape | undefined {
    return readRecord(name)?.shape;
  }

  access(name: string): ClusterAccess {
    return { name, kubeconfig: paths(name).kubeconfig, context: contextName(name) };
  }

  async status(name: string): Promise<ClusterStatus> {
    const record = requireRecord(name);
    const access = this.access(name);
    const docker = probeDocker();
    const components: ComponentHealth[] = [{ name: 'docker', healthy: docker.ok, detail: docker.ok ? `engine ${docker.version}` : docker.reason }];
    let containers: Container[] = [];
    if (docker.ok) containers = await clusterContainers(name);
    for (const node of record.shape.nodes) {
      const container = containerOf(record, node.name);
      const state = containers.find((c) => c.name === container)?.state ?? (docker.ok ? 'missing' : 'unknown');
      components.push({ name: container, healthy: state === 'running', detail: `node ${node.name}: container ${state}` });
    }
    const running = docker.ok && components.slice(1).every((c) => c.healthy);
    let nodes: ClusterStatus['nodes'] = [];
    if (running && existsSync(access.kubeconfig)) {
      const kc = loadKubeConfig(access.kubeconfig, access.context);
      const api = await apiServerHealth(kc);
      components.push(api);
      if (api.healthy) nodes = await nodeSummaries(kc);
    }
    return { name, provider: 'kind', reason: '', running, context: access.context, kubeconfig: access.kubeconfig, components, nodes };
  }

  private target(record: KindRecord, node: string): NodeTarget {
    return { access: this.access(record.shape.name), node, container: containerOf(record, node) };
  }
}

/** The nodes with this one replaced where it was, or added at the end. */
function withNode(nodes: NodeShape[], node: NodeShape): NodeShape[] {
  return nodes.some((n) => n.name === node.name) ? nodes.map((n) => (n.name === node.name ? node : n)) : [...nodes, node];
}

function describeNodes(shape: ClusterShape): string {
  return shape.nodes.map((n) => `${n.name}(${n.maxPods})`).join(', ');
}

/** Refuses, in one line, nodes the machine's inotify limit cannot hold (kind's known "too many open files"). */
async function requireInotify(adding: number): Promise<void> {
  const out = await dockerOk(['ps', '--filter', `label=${CLUSTER_LABEL}`, '--format', '{{.Names}}'], 'listing kind node containers');
  const shortage = inotifyShortage(out.split('\n').filter(Boolean).length + adding);
  if (shortage) {
    throw new UserError(shortage, { fix: 'raise it: sudo sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288 (or stop other kind clusters)' });
  }
}

function requireDocker(): void {
  const docker = probeDocker();
  if (!docker.ok) throw new UserError(`the kind provider needs Docker: ${docker.reason}`, { fix: 'start Docker, or use --provider local' });
}

function requireRecord(name: string): KindRecord {
  const record = readRecord(name);
  if (!record) throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name}` });
  return record;
}

async function updateRecord(name: string, change: (record: KindRecord) => KindRecord): Promise<void> {
  await writeRecord(change(requireRecord(name)));
}

function nodeOf(record: KindRecord, node: string): NodeShape {
  const found = record.shape.nodes.find((n) => n.name === node);
  if (!found) throw new UserError(`cluster "${record.shape.name}" has no node "${node}"`, { fix: `its nodes are ${record.shape.nodes.map((n) => n.name).join(', ')}` });
  return found;
}

function containerOf(record: KindRecord, node: string): string {
  return containerIn(record.shape, node, record.containers);
}

/** A container name for a joining node, in kind's scheme (<cluster>-worker<N>), not yet taken. */
function newContainerName(record: KindRecord): string {
  const taken = new Set(Object.values(record.containers ?? Object.fromEntries(containerNames(record.shape))));
  let n = 2;
  while (taken.has(`${record.shape.name}-worker${n}`)) n++;
  return `${record.shape.name}-worker${n}`;
}

/** delete must never remove a kind cluster kubelab did not create. */
async function refuseForeign(name: string): Promise<void> {
  if (existsSync(paths(name).dir)) throw new UserError(`refusing to touch ${paths(name).dir}: kubelab did not create it (it has no ${MARKER})`);
  const kind = findKind();
  if (!kind || !probeKind(kind).ok || !probeDocker().ok) return;
  if ((await getClusters(kind)).includes(name)) {
    throw new UserError(`refusing to delete kind cluster "${name}": kubelab did not create it`, { fix: `if you mean it, run: kind delete cluster --name ${name}` });
  }
}

/**
 * kind delete cluster, made sure: on a loaded machine Docker can fail to stop a node whose
 * pods are still being torn down ("did not receive an exit event"). Retry with a pause, then
 * remove what is left by label, and fail in one line if a container survives all of that.
 */
async function removeCluster(kind: string, name: string, progress: Progress): Promise<void> {
  const pauses = [0, 5_000, 15_000, 30_000];
  let lastError: unknown;
  for (const pause of pauses) {
    if (pause) {
      progress.update(`some node containers of "${name}" did not stop; retrying in ${pause / 1000} s`);
      await new Promise((r) => setTimeout(r, pause));
    }
    try {
      await deleteCluster(kind, name, paths(name).kubeconfig, progress);
    } catch (error) {
      lastError = error;
    }
    const left = await clusterContainers(name);
    if (left.length === 0) return;
    await docker(['rm', '-f', ...left.map((c) => c.name)]);
    if ((await clusterContainers(name)).length === 0) return;
  }
  const left = (await clusterContainers(name)).map((c) => c.name);
  throw new UserError(`Docker could not remove the node containers ${left.join(', ')} of cluster "${name}"${lastError ? ` (${(lastError as Error).message})` : ''}`, {
    fix: `see docker ps -a --filter label=${CLUSTER_LABEL}=${name}; restarting Docker frees stuck containers`,
  });
}

/** Starts the node containers `down` stopped; the API server keeps its published port across a stop. */
async function resume(name: string, progress: Progress): Promise<void> {
  const stopped = (await clusterContainers(name)).filter((c) => c.state !== 'running');
  if (stopped.length === 0) return;
  progress.step(`resuming kind cluster "${name}" (docker start ${stopped.map((c) => c.name).join(' ')})`);
  await dockerOk(['start', ...stopped.map((c) => c.name)], `docker start of cluster "${name}"`);
}
