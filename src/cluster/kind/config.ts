import { stringify } from 'yaml';
import { versions } from '../../binaries/versions.ts';
import type { ClusterShape, NodeShape } from '../shape.ts';

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4';

/** The node image kubelab pins: kind's image for the Kubernetes version the local provider runs. */
export const DEFAULT_NODE_IMAGE = `kindest/node:${versions.kubernetes}`;

export interface KindNode {
  role: 'control-plane' | 'worker';
  kubeadmConfigPatches: string[];
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
}

/** The Kubernetes version an image tag names (kindest/node:v1.36.3[@sha256:…]), if it names one. */
export function imageKubernetesVersion(image: string): string | undefined {
  return /:(v\d+\.\d+\.\d+)(?:@|$)/.exec(image)?.[1];
}

function minorOf(version: string): number {
  return Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? NaN);
}

/** Kubelets from 1.35 on refuse to start on a cgroup v1 host unless told not to. */
export function needsCgroupV1Opt(options: KindConfigOptions): boolean {
  return options.cgroupV1 && minorOf(options.kubernetesVersion) >= 35;
}

// Patches carry no apiVersion, so kind applies them to whichever kubeadm API version it
// generates for the image (v1beta4 from 1.36, v1beta3 before) and converts the map-style
// kubeletExtraArgs and extraArgs written here to v1beta4's name/value lists.
const patch = (document: object) => stringify(document);

function kubeletPatch(maxPods: number, options: KindConfigOptions): string {
  return patch({ kind: 'KubeletConfiguration', maxPods, ...(needsCgroupV1Opt(options) ? { failCgroupV1: false } : {}) });
}

/**
 * kind's API server would reach kubelets by their Hostname address first, which is the
 * container's name on kind's Docker network. kubelab names the Nodes after the shape
 * (kub1, kub2…), a name Docker's DNS does not know, so logs, exec and port-forward must
 * go to the node's InternalIP instead.
 */
function apiServerPatch(): string {
  return patch({ kind: 'ClusterConfiguration', apiServer: { extraArgs: { 'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname' } } });
}

/**
 * Each node registers under its shape name (nodeRegistration.name, which kubeadm passes to
 * the kubelet as --hostname-override) and with its own --max-pods. A joining node takes its
 * kubelet configuration from the cluster's kubelet-config ConfigMap, not from a patch, so
 * its max pods must be a flag; the first control plane's goes in InitConfiguration.
 */
function nodePatch(node: NodeShape): string {
  const kind = node.role === 'control-plane' ? 'InitConfiguration' : 'JoinConfiguration';
  return patch({ kind, nodeRegistration: { name: node.name, kubeletExtraArgs: { 'max-pods': String(node.maxPods) } } });
}

/** A kind v1alpha4 config for the shape. The shape's advertise address does not apply: kind's nodes advertise their container addresses. */
export function kindConfig(shape: ClusterShape, options: KindConfigOptions): KindCluster {
  const controlPlane = shape.nodes.find((n) => n.role === 'control-plane') ?? shape.nodes[0]!;
  return {
    kind: 'Cluster',
    apiVersion: KIND_API_VERSION,
    name: shape.name,
    // Only loopback: the API server's published port must never face the network.
    networking: { apiServerAddress: '127.0.0.1', podSubnet: shape.podSubnet, serviceSubnet: shape.serviceSubnet },
    // The cluster-wide kubelet config (the init node's, and the kubelet-config ConfigMap) takes
    // the control plane's max pods; every node's flag then sets its own.
    kubeadmConfigPatches: [kubeletPatch(controlPlane.maxPods, options), apiServerPatch()],
    nodes: shape.nodes.map((node) => ({ role: node.role, kubeadmConfigPatches: [nodePatch(node)] })),
  };
}

export function renderKindConfig(shape: ClusterShape, options: KindConfigOptions): string {
  return `# written by kubelab for kind create cluster --config\n${stringify(kindConfig(shape, options))}`;
}
