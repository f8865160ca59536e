import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { UserError } from '../../errors.ts';
import { loadKubeConfig } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { apiServerHealth, nodeSummaries } from '../existing/api.ts';
import type { ClusterAccess, ClusterStatus, ComponentHealth, Provider } from '../provider.ts';
import { validateShape, type ClusterShape } from '../shape.ts';
import { waitForCluster } from '../wait.ts';
import { createCluster, deleteCluster, ensureKind, findKind, getClusters, KIND_VERSION, probeKind } from './cli.ts';
import { DEFAULT_NODE_IMAGE, imageKubernetesVersion, renderKindConfig } from './config.ts';
import { clusterContainers, dockerOk, imagePresent, probeDocker, type Container } from './docker.ts';
import { hostCgroupVersion } from './host.ts';
import { containerNames, containerOf } from './names.ts';
import { kubeadmIn, rebuildKindNode, setKubeletMaxPods, type NodeTarget } from './nodes.ts';
import { contextName, listRecords, MARKER, paths, readRecord, writeRecord, type KindRecord } from './state.ts';
import { versions } from '../../binaries/versions.ts';

export interface KindOptions {
  /** The node image; default $KUBELAB_KIND_IMAGE, else kindest/node at the pinned Kubernetes version. */
  image?: string;
  /** How long `up` waits for every node and kube-system workload to be ready. */
  timeoutMs?: number;
  /** How long a node operation waits for the Node to show its effect. */
  nodeTimeoutMs?: number;
}

/** The node image for new clusters: --image, then $KUBELAB_KIND_IMAGE, then the pinned one. */
export function nodeImage(flag?: string): string {
  return flag || process.env.KUBELAB_KIND_IMAGE || DEFAULT_NODE_IMAGE;
}

/**
 * Real kubelets in Docker containers, made and removed by the kind CLI. The Nodes carry the
 * shape's names (kub1, kub2…); the containers keep kind's names, and names.ts maps one to
 * the other wherever kubelab has to reach into a node.
 */
export class KindProvider implements Provider {
  readonly name = 'kind' as const;
  readonly image: string;
  readonly timeoutMs: number;
  readonly nodeTimeoutMs: number;

  constructor(options: KindOptions = {}) {
    this.image = nodeImage(options.image);
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? 120_000;
  }

  async up(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    const deadline = Date.now() + this.timeoutMs;
    requireDocker();
    const kind = await ensureKind(progress);
    const record = readRecord(shape.name);
    let exists = (await getClusters(kind)).includes(shape.name);
    if (record && !record.created && exists) {
      progress.step(`an earlier create of "${shape.name}" was interrupted: removing what it left`);
      await deleteCluster(kind, shape.name, paths(shape.name).kubeconfig, progress);
      exists = false;
    }
    if (record && exists) {
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
    await waitForCluster(this.access(shape.name), shape.nodes.map((n) => n.name), deadline, progress);
    return this.access(shape.name);
  }

  private async create(shape: ClusterShape, kind: string, progress: Progress): Promise<void> {
    if (!imagePresent(this.image)) {
      throw new UserError(`the node image ${this.image} is not in Docker's image store, and kubelab does not pull images`, {
        fix: `docker pull ${this.image} yourself (or build one with kind build node-image), or name a local image with --image or KUBELAB_KIND_IMAGE`,
      });
    }
    const p = paths(shape.name);
    if (existsSync(p.dir) && !readRecord(shape.name)) {
      throw new UserError(`${p.dir} exists but kubelab did not create it`, { fix: 'move it away or choose another --name' });
    }
    await rm(p.dir, { recursive: true, force: true });
    await mkdir(p.dir, { recursive: true });
    const kubernetesVersion = imageKubernetesVersion(this.image) ?? versions.kubernetes;
    await writeFile(p.config, renderKindConfig(shape, { kubernetesVersion, cgroupV1: hostCgroupVersion() === 1 }));
    // Recorded before kind starts, so that an interrupted create can still be deleted.
    const record: KindRecord = { createdBy: 'kubelab', provider: 'kind', image: this.image, kindVersion: KIND_VERSION, createdAt: new Date().toISOString(), shape, created: false };
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
   * kind cannot add or remove nodes of a running cluster: a change of nodes recreates it.
   * A change of max pods alone is made on the running kubelets.
   */
  async reshape(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    validateShape(shape);
    const record = requireRecord(shape.name);
    const layout = (s: ClusterShape) => JSON.stringify([s.podSubnet, s.serviceSubnet, s.nodes.map((n) => [n.name, n.role])]);
    if (layout(record.shape) !== layout(shape)) {
      progress.step(`kind cannot change the nodes or networks of a cluster: recreating "${shape.name}" with nodes ${describeNodes(shape)}`);
      await this.delete(shape.name, progress);
      return this.up(shape, progress);
    }
    await this.up(record.shape, progress);
    for (const node of shape.nodes) {
      const current = record.shape.nodes.find((n) => n.name === node.name);
      if (current?.maxPods !== node.maxPods) {
        progress.step(`setting max pods of ${node.name} to ${node.maxPods}`);
        await this.setMaxPods(shape.name, node.name, node.maxPods);
      }
    }
    return this.access(shape.name);
  }

  async setMaxPods(name: string, node: string, maxPods: number): Promise<void> {
    const record = requireRecord(name);
    if (!Number.isInteger(maxPods) || maxPods < 1 || maxPods > 10000) throw new UserError(`invalid max pods ${maxPods}`, { fix: 'use a whole number from 1 to 10000' });
    await setKubeletMaxPods(this.target(record, node), maxPods, this.nodeTimeoutMs);
    const fresh = requireRecord(name);
    fresh.shape = { ...fresh.shape, nodes: fresh.shape.nodes.map((n) => (n.name === node ? { ...n, maxPods } : n)) };
    await writeRecord(fresh);
  }

  /** Restarts a node's kubelet so that it registers its Node again (after `kubectl delete node`). */
  async rebuildNode(name: string, node: string): Promise<void> {
    const record = requireRecord(name);
    const controlPlane = record.shape.nodes.find((n) => n.name === node)?.role === 'control-plane';
    await rebuildKindNode(this.target(record, node), controlPlane, this.nodeTimeoutMs);
  }

  async execKubeadm(name: string, args: string[]): Promise<string> {
    const record = requireRecord(name);
    const controlPlane = record.shape.nodes.find((n) => n.role === 'control-plane')!;
    return kubeadmIn(containerOf(record.shape, controlPlane.name), args);
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
    await deleteCluster(kind, name, paths(name).kubeconfig, progress);
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
    for (const [node, container] of containerNames(record.shape)) {
      const state = containers.find((c) => c.name === container)?.state ?? (docker.ok ? 'missing' : 'unknown');
      components.push({ name: container, healthy: state === 'running', detail: `node ${node}: container ${state}` });
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
    return { access: this.access(record.shape.name), node, container: containerOf(record.shape, node) };
  }
}

function describeNodes(shape: ClusterShape): string {
  return shape.nodes.map((n) => `${n.name}(${n.maxPods})`).join(', ');
}

function requireDocker(): void {
  const docker = probeDocker();
  if (!docker.ok) throw new UserError(`the kind provider needs Docker: ${docker.reason}`, { fix: 'start Docker, or use --provider local' });
}

function requireRecord(name: string): KindRecord {
  const record = readRecord(name);
  if (!record) throw new UserError(`no kind cluster named "${name}" made by kubelab`, { fix: `create it with: kubelab up --provider kind --name ${name}` });
  return record;
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

/** Starts the node containers `down` stopped; the API server keeps its published port across a stop. */
async function resume(name: string, progress: Progress): Promise<void> {
  const stopped = (await clusterContainers(name)).filter((c) => c.state !== 'running');
  if (stopped.length === 0) return;
  progress.step(`resuming kind cluster "${name}" (docker start ${stopped.map((c) => c.name).join(' ')})`);
  await dockerOk(['start', ...stopped.map((c) => c.name)], `docker start of cluster "${name}"`);
}
