import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterShape, NodeShape } from '../shape.ts';

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4';

export interface KindNode {
  role: 'control-plane' | 'worker';
  kubeadmConfigPatches: string[];
  extraMounts: { hostPath: string; containerPath: string; readOnly: boolean }[];
}

/** The part of kind's v1alpha4 Cluster that kubelab writes. */
export interface KindCluster {
  kind: 'Cluster';
  apiVersion: typeof KIND_API_VERSION;
  name: string;
  networking: { apiServerAddress: string; podSubnet: string; serviceSubnet: string };
  kubeadmConfigPatches: string[];
  nodes: KindNode[];
}

export interface KindConfigOptions {
  /** The node image's Kubernetes version, e.g. v1.36.3. */
  kubernetesVersion: string;
  /** Whether the host (whose cgroups the node containers share) is on cgroup v1. */
  cgroupV1: boolean;
  /** The host directory holding one kubeadm patches directory per node (see nodePatches). */
  patchesRoot: string;
}

/** Where each node finds its kubeadm patches: mounted from patchesRoot/<node>. */
export const PATCHES_DIR = '/kind/patches';

/**
 * The kubeadm patch that gives a node its own max pods. kubeadm applies it to the kubelet
 * configuration it writes on that node (/var/lib/kubelet/config.yaml), at init and at join,
 * and only there: the cluster's kubelet-config ConfigMap keeps the kubelet's defaults. The
 * setting then lives where an administrator would change it, in the kubelet's own file, and
 * no --max-pods flag overrides it.
 */
export function nodePatches(node: NodeShape): Record<string, string> {
  return { 'kubeletconfiguration+strategic.yaml': stringify({ maxPods: node.maxPods }) };
}

/** The Kubernetes version an image tag names (kindest/node:v1.36.3[@sha256:…], kubelab/node:v1.36.3-<recipe>), if it names one. */
export function imageKubernetesVersion(image: string): string | undefined {
  return /:(v\d+\.\d+\.\d+)(?:-[0-9a-f]+)?(?:@|$)/.exec(image)?.[1];
}

function minorOf(version: string): number {
  return Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? NaN);
}

/** Kubelets from 1.35 on refuse to start on a cgroup v1 host unless told not to. */
export function needsCgroupV1Opt(options: Pick<KindConfigOptions, 'kubernetesVersion' | 'cgroupV1'>): boolean {
  return options.cgroupV1 && minorOf(options.kubernetesVersion) >= 35;
}

// Patches carry no apiVersion, so kind applies them to whichever kubeadm API version it
// generates for the image (kind v0.30.0 writes v1beta3, which kubeadm 1.36 still reads; later
// kind releases write v1beta4 from 1.36 and convert map-style extraArgs to its name/value lists).
const patch = (document: object) => stringify(document);

function kubeletPatch(options: KindConfigOptions): string[] {
  return needsCgroupV1Opt(options) ? [patch({ kind: 'KubeletConfiguration', failCgroupV1: false })] : [];
}

/**
 * kind's API server would reach kubelets by their Hostname address first, which is the
 * container's name on kind's Docker network. kubelab names the Nodes after the shape
 * (kub1, kub2…), a name Docker's DNS does not know, so logs, exec and port-forward must
 * go to the node's InternalIP instead.
 */
function apiServerPatch(): string {
  return patch({
    kind: 'ClusterConfiguration',
    apiServer: { extraArgs: { 'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname' } },
  });
}

/**
 * Each node registers under its shape name (nodeRegistration.name, which kubeadm passes to
 * the kubelet as --hostname-override) and reads its kubeadm patches (nodePatches). A
 * KubeletConfiguration inside a node's own config patch would be ignored at join: joining
 * kubelets take the cluster's kubelet-config ConfigMap, which patches then adjust per node.
 */
function nodePatch(node: NodeShape): string {
  const kind = node.role === 'control-plane' ? 'InitConfiguration' : 'JoinConfiguration';
  return patch({ kind, nodeRegistration: { name: node.name }, patches: { directory: PATCHES_DIR } });
}

/** A kind v1alpha4 config for the shape. The shape's advertise address does not apply: kind's nodes advertise their container addresses. */
export function kindConfig(shape: ClusterShape, options: KindConfigOptions): KindCluster {
  return {
    kind: 'Cluster',
    apiVersion: KIND_API_VERSION,
    name: shape.name,
    // Only loopback: the API server's published port must never face the network.
    networking: { apiServerAddress: '127.0.0.1', podSubnet: shape.podSubnet, serviceSubnet: shape.serviceSubnet },
    kubeadmConfigPatches: [...kubeletPatch(options), apiServerPatch()],
    nodes: shape.nodes.map((node) => ({
      role: node.role,
      kubeadmConfigPatches: [nodePatch(node)],
      extraMounts: [{ hostPath: join(options.patchesRoot, node.name), containerPath: PATCHES_DIR, readOnly: true }],
    })),
  };
}

export function renderKindConfig(shape: ClusterShape, options: KindConfigOptions): string {
  return `# written by kubelab for kind create cluster --config\n${stringify(kindConfig(shape, options))}`;
}
