// A new node for a running kind cluster: a node container started as kind starts its own, then
// a real `kubeadm join` inside it with the token and CA hash the user gives. kind itself cannot
// add nodes to a cluster it made; the container is labelled as kind's are, so `kind delete
// cluster` removes it with the others.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../../errors.ts';
import { parsePins } from '../../join/ca-pin.ts';
import { parseToken } from '../../join/token.ts';
import type { NodeShape } from '../shape.ts';
import { nodePatches, PATCHES_DIR } from './config.ts';
import { docker, dockerOk, execIn } from './docker.ts';

/** kind's labels: the cluster a container belongs to, and the node's role. */
export const CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
const ROLE_LABEL = 'io.x-k8s.kind.role';
/** The Docker network kind puts every node on. */
const KIND_NETWORK = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
/** The port the API server listens on inside the control-plane container. */
const API_SERVER_PORT = 6443;

export interface JoinRequest {
  cluster: string;
  image: string;
  node: NodeShape;
  container: string;
  /** The control plane's container, whose name kind's Docker network resolves. */
  controlPlane: string;
  token: string;
  caCertHashes: string[];
  /** Where this node's kubeadm patches live on the host. */
  patchesDir: string;
  onStep: (line: string) => void;
}

/** `docker run` arguments for a node container, as kind's docker provider makes them (kind v0.30.0, provision.go). */
export function nodeRunArgs(request: Pick<JoinRequest, 'cluster' | 'image' | 'node' | 'container' | 'patchesDir'>): string[] {
  return [
    'run',
    '--detach',
    '--tty',
    '--name',
    request.container,
    '--hostname',
    request.container,
    '--label',
    `${CLUSTER_LABEL}=${request.cluster}`,
    '--label',
    `${ROLE_LABEL}=${request.node.role}`,
    '--net',
    KIND_NETWORK,
    '--restart=on-failure:1',
    '--init=false',
    '--cgroupns=private',
    '--privileged',
    '--security-opt',
    'seccomp=unconfined',
    '--security-opt',
    'apparmor=unconfined',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    '/run',
    '--volume',
    '/var',
    '--volume',
    '/lib/modules:/lib/modules:ro',
    '-e',
    'KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER',
    '--volume',
    `${request.patchesDir}:${PATCHES_DIR}:ro`,
    request.image,
  ];
}

/** The JoinConfiguration kubeadm reads in the new node, with the token and pins the user gave. */
export function joinConfiguration(
  request: Pick<JoinRequest, 'cluster' | 'node' | 'container' | 'controlPlane' | 'token' | 'caCertHashes'>,
  nodeIp: string,
): string {
  return stringify({
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'JoinConfiguration',
    nodeRegistration: {
      name: request.node.name,
      criSocket: 'unix:///run/containerd/containerd.sock',
      kubeletExtraArgs: [
        { name: 'node-ip', value: nodeIp },
        { name: 'provider-id', value: `kind://docker/${request.cluster}/${request.container}` },
      ],
    },
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: `${request.controlPlane}:${API_SERVER_PORT}`,
        token: request.token,
        caCertHashes: request.caCertHashes,
      },
    },
    patches: { directory: PATCHES_DIR },
    // kubeadm's preflight checks fail inside a container (kernel modules, swap); kind skips them too.
    skipPhases: ['preflight'],
  });
}

export async function writeNodePatches(dir: string, node: NodeShape): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(nodePatches(node))) await writeFile(join(dir, file), text);
}

/** systemd boots a node in seconds, but on a loaded 2-core machine it has taken over a minute. */
async function waitForSystemd(container: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  let state = 'not started';
  while (Date.now() < deadline) {
    const result = await docker(['exec', container, 'systemctl', 'is-system-running']);
    state = result.stdout.trim() || result.stderr.trim();
    if (state === 'running' || state === 'degraded') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new UserError(`node container ${container} did not boot in 180 s (systemd: ${state})`, { fix: `see docker logs ${container}` });
}

export async function containerIp(container: string): Promise<string> {
  const out = await dockerOk(
    ['inspect', '--format', `{{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`, container],
    `reading the address of ${container}`,
  );
  const ip = out.trim();
  if (!ip) throw new UserError(`node container ${container} has no address on Docker network ${KIND_NETWORK}`);
  return ip;
}

/** Starts the node container and runs kubeadm join in it; kubeadm's own output goes to onStep. */
export async function joinNodeContainer(request: JoinRequest): Promise<void> {
  parseToken(request.token);
  if (parsePins(request.caCertHashes).size === 0)
    throw new UserError('token discovery without a CA certificate hash would trust any server', {
      fix: 'give --discovery-token-ca-cert-hash sha256:<hash>',
    });
  await writeNodePatches(request.patchesDir, request.node);
  request.onStep(`[kubelab] starting node container ${request.container} from ${request.image}`);
  await dockerOk(nodeRunArgs(request), `starting node container ${request.container}`);
  try {
    await waitForSystemd(request.container);
    const config = joinConfiguration(request, await containerIp(request.container));
    await execIn(request.container, ['sh', '-c', 'cat > /kind/kubeadm.conf'], 'writing the join configuration', config);
    request.onStep(
      `[kubelab] kubeadm join ${request.controlPlane}:${API_SERVER_PORT} --token ${request.token.split('.')[0]}.<secret> --discovery-token-ca-cert-hash ${request.caCertHashes.join(',')} --node-name ${request.node.name}`,
    );
    const result = await docker(['exec', request.container, 'kubeadm', 'join', '--config', '/kind/kubeadm.conf']);
    for (const line of result.stdout.split('\n').filter(Boolean)) request.onStep(line);
    if (result.exitCode !== 0) {
      const reason =
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => !/^\s*(I|W)\d{4} /.test(l))
          .pop() ?? `exit ${result.exitCode}`;
      throw new UserError(`kubeadm join of ${request.node.name} failed: ${reason}`, {
        fix: 'check the token (kubeadm token list) and the CA hash, then try again',
      });
    }
  } catch (error) {
    // A node that did not join is of no use and would block the name: remove its container.
    await docker(['rm', '-f', '-v', request.container]);
    throw error;
  }
}
