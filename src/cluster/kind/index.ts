// The kind provider: real kubelets on containerd in Docker containers, made and removed by the
// kind CLI from kubelab's own node image. The Nodes carry the shape's names (kub1, kub2…); the
// containers keep kind's names, and the cluster's record maps one to the other.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { versions } from '../../binaries/versions.ts';
import { UserError } from '../../errors.ts';
import { loadKubeConfig } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { apiServerHealth, nodeSummaries } from '../api.ts';
import type { ClusterAccess, ClusterStatus, ComponentHealth, NodeCapability, Provider } from '../provider.ts';
import type { ClusterShape } from '../shape.ts';
import { createCluster, deleteCluster, ensureKind, findKind, getClusters, KIND_VERSION, probeKind } from './cli.ts';
import { imageKubernetesVersion, renderKindConfig } from './config.ts';
import { clusterContainers, docker, dockerOk, imagePresent, probeDocker, type Container } from './docker.ts';
import { hostCgroupVersion, thawFrozen } from './host.ts';
import { nodeImageTag } from './image/recipe.ts';
import { CLUSTER_LABEL, writeNodePatches } from './join.ts';
import { containerNames } from './names.ts';
import { KindNodes, kubeadmIn, requireInotify } from './nodes.ts';
import { containerOf, contextName, listRecords, MARKER, paths, readRecord, requireRecord, writeRecord, type KindRecord } from './state.ts';

export interface KindOptions {
  /** The node image; default $KUBELAB_KIND_IMAGE, else the one `kubelab image build` makes from this checkout. */
  image?: string;
}

/** The node image for new clusters: --image, then $KUBELAB_KIND_IMAGE, then kubelab's own build of this checkout's recipe. */
export function nodeImage(flag?: string): string {
  return flag || process.env.KUBELAB_KIND_IMAGE || nodeImageTag();
}

export class KindProvider implements Provider {
  readonly name = 'kind' as const;
  readonly capabilities: readonly NodeCapability[] = ['join', 'rebuild', 'kubelet-config', 'containers', 'static-pods', 'machines'];
  readonly nodes = new KindNodes();
  readonly image: string;

  constructor(options: KindOptions = {}) {
    this.image = nodeImage(options.image);
  }

  /** A cluster whose create was interrupted has a record but no shape yet: provisioning it again clears what is left. */
  shapeOf(name: string): ClusterShape | undefined {
    const record = readRecord(name);
    return record?.created ? record.shape : undefined;
  }

  list(): Promise<string[]> {
    return listRecords();
  }

  access(name: string): ClusterAccess {
    return { name, kubeconfig: paths(name).kubeconfig, context: contextName(name) };
  }

  async provision(shape: ClusterShape, progress: Progress): Promise<void> {
    requireDocker();
    const kind = await ensureKind(progress);
    const exists = (await getClusters(kind)).includes(shape.name);
    if (exists && readRecord(shape.name)) {
      progress.step(`an earlier create of "${shape.name}" was interrupted: removing what it left`);
      await removeCluster(kind, shape.name, progress);
    } else if (exists) {
      throw new UserError(`a kind cluster named "${shape.name}" exists, but kubelab did not create it`, {
        fix: `choose another --name, or work on it with --provider existing --context ${contextName(shape.name)}`,
      });
    }
    await this.create(shape, kind, progress);
  }

  /** Starts the node containers `stop` stopped; the API server keeps its published port across a stop. */
  async start(name: string, progress: Progress): Promise<void> {
    const record = requireRecord(name);
    requireDocker();
    const kind = await ensureKind(progress);
    if (!(await getClusters(kind)).includes(name)) {
      progress.step(`kind cluster "${name}" was removed outside kubelab: creating it again`);
      await this.create(record.shape, kind, progress);
      return;
    }
    const stopped = (await clusterContainers(name)).filter((c) => c.state !== 'running');
    if (stopped.length === 0) return;
    progress.step(`resuming kind cluster "${name}" (docker start ${stopped.map((c) => c.name).join(' ')})`);
    await dockerOk(['start', ...stopped.map((c) => c.name)], `docker start of cluster "${name}"`);
  }

  private requireImage(): void {
    if (imagePresent(this.image)) return;
    if (this.image === nodeImageTag()) {
      throw new UserError(`the kind node image ${this.image} is not built yet`, {
        fix: 'run kubelab image build (15–35 minutes the first time; see kubelab image build --help), or use --provider local',
      });
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
    const record: KindRecord = {
      createdBy: 'kubelab',
      provider: 'kind',
      image: this.image,
      kindVersion: KIND_VERSION,
      createdAt: new Date().toISOString(),
      shape,
      containers,
      created: false,
    };
    await writeRecord(record);
    progress.step(
      `creating kind cluster "${shape.name}" (${this.image}, nodes ${shape.nodes.map((n) => `${n.name}(${n.maxPods})`).join(', ')})`,
    );
    try {
      await createCluster(
        kind,
        { name: shape.name, image: this.image, config: p.config, kubeconfig: p.kubeconfig, wait: '120s' },
        progress,
      );
    } catch (error) {
      // kind removes the containers of a failed create itself; the record goes with them.
      await rm(p.dir, { recursive: true, force: true });
      throw error;
    }
    await writeRecord({ ...record, created: true });
  }

  async stop(name: string, progress: Progress): Promise<void> {
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

  async remove(name: string, progress: Progress): Promise<void> {
    if (!readRecord(name)) {
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

  /** kubeadm in the control plane's container; tests use it to make tokens as an administrator would. */
  execKubeadm(name: string, args: string[]): Promise<string> {
    return kubeadmIn(name, args);
  }

  async status(name: string): Promise<ClusterStatus> {
    const record = requireRecord(name);
    const access = this.access(name);
    const docker = probeDocker();
    const components: ComponentHealth[] = [
      { name: 'docker', healthy: docker.ok, detail: docker.ok ? `engine ${docker.version}` : docker.reason },
    ];
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
}

function requireDocker(): void {
  const docker = probeDocker();
  if (!docker.ok) throw new UserError(`the kind provider needs Docker: ${docker.reason}`, { fix: 'start Docker, or use --provider local' });
}

/** delete must never remove a kind cluster kubelab did not create. */
async function refuseForeign(name: string): Promise<void> {
  if (existsSync(paths(name).dir))
    throw new UserError(`refusing to touch ${paths(name).dir}: kubelab did not create it (it has no ${MARKER})`);
  const kind = findKind();
  if (!kind || !probeKind(kind).ok || !probeDocker().ok) return;
  if ((await getClusters(kind)).includes(name)) {
    throw new UserError(`refusing to delete kind cluster "${name}": kubelab did not create it`, {
      fix: `if you mean it, run: kind delete cluster --name ${name}`,
    });
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
    const ids = (await docker(['inspect', '--format', '{{.Id}}', ...left.map((c) => c.name)])).stdout.split('\n').filter(Boolean);
    const thawed = thawFrozen(ids);
    if (thawed) progress.update(`thawed ${thawed} cgroup${thawed === 1 ? '' : 's'} a killed runc had left frozen`);
    await docker(['rm', '-f', '-v', ...left.map((c) => c.name)]);
    if ((await clusterContainers(name)).length === 0) return;
  }
  const left = (await clusterContainers(name)).map((c) => c.name);
  throw new UserError(
    `Docker could not remove the node containers ${left.join(', ')} of cluster "${name}"${lastError ? ` (${(lastError as Error).message})` : ''}`,
    {
      fix: `see docker ps -a --filter label=${CLUSTER_LABEL}=${name}; restarting Docker frees stuck containers`,
    },
  );
}
