import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { UserError } from '../errors.ts';

export type NodeRole = 'control-plane' | 'worker';

export interface NodeShape {
  name: string;
  role: NodeRole;
  /** Allocatable pods, as the kubelet's --max-pods would set it. */
  maxPods: number;
}

/** What a lab needs of a cluster. Every provider consumes the same shape. */
export interface ClusterShape {
  name: string;
  nodes: NodeShape[];
  podSubnet: string;
  serviceSubnet: string;
  /** The API server's advertise address (kubeadm --apiserver-advertise-address). */
  advertiseAddress: string;
}

/** The kubelet's default --max-pods. */
export const DEFAULT_MAX_PODS = 110;

/** The source notes' cluster: kubeadm init --pod-network-cidr=10.244.0.0/16 --service-cidr=10.10.0.0/16. */
export function defaultShape(name = 'kubelab'): ClusterShape {
  return {
    name,
    nodes: [
      { name: 'kub1', role: 'control-plane', maxPods: DEFAULT_MAX_PODS },
      { name: 'kub2', role: 'worker', maxPods: DEFAULT_MAX_PODS },
      { name: 'kub3', role: 'worker', maxPods: DEFAULT_MAX_PODS },
    ],
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.10.0.0/16',
    // kubeadm refuses a loopback advertise address; the API server still binds only 127.0.0.1,
    // and nothing dials this address.
    advertiseAddress: '10.10.10.101',
  };
}

/**
 * Node names from the CLI: a count ("5": kub1 as control plane, kub2..kub5 as workers)
 * or a comma-separated list whose first name is the control plane.
 */
export function parseNodes(spec: string, maxPods = DEFAULT_MAX_PODS): NodeShape[] {
  if (/^\d+$/.test(spec) && (Number(spec) < 1 || Number(spec) > 100)) {
    throw new UserError(`--nodes ${spec} is out of range`, { fix: 'a lab cluster has 1 to 100 nodes' });
  }
  const names = /^\d+$/.test(spec)
    ? Array.from({ length: Number(spec) }, (_, i) => `kub${i + 1}`)
    : spec
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
  if (names.length === 0)
    throw new UserError(`--nodes "${spec}" names no node`, { fix: 'give a count such as 3 or names such as kub1,kub2,kub3' });
  return names.map((name, i) => ({ name, role: i === 0 ? 'control-plane' : 'worker', maxPods }));
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The pods a kubelet may admit: a whole number from 1 to 10000. */
export function checkMaxPods(maxPods: number, where = ''): number {
  if (!Number.isInteger(maxPods) || maxPods < 1 || maxPods > 10000) {
    throw new UserError(`invalid max pods ${maxPods}${where}`, { fix: 'use a whole number from 1 to 10000' });
  }
  return maxPods;
}

/** Throws a UserError naming the first bad field. */
export function validateShape(shape: ClusterShape): ClusterShape {
  if (!CLUSTER_NAME.test(shape.name) || shape.name.length > 40) {
    throw new UserError(`invalid cluster name "${shape.name}"`, { fix: 'use lower-case letters, digits and dashes (at most 40)' });
  }
  if (shape.nodes.length === 0) throw new UserError('the cluster has no nodes', { fix: 'give at least one node' });
  const seen = new Set<string>();
  for (const node of shape.nodes) {
    if (!DNS1123.test(node.name) || node.name.length > 63) {
      throw new UserError(`invalid node name "${node.name}"`, { fix: 'node names are lower-case DNS names such as kub2' });
    }
    if (seen.has(node.name)) throw new UserError(`node "${node.name}" is named twice`);
    seen.add(node.name);
    checkMaxPods(node.maxPods, ` for node "${node.name}"`);
  }
  if (shape.nodes.filter((n) => n.role === 'control-plane').length !== 1) {
    throw new UserError('the cluster needs exactly one control-plane node');
  }
  const pods = parseCidr(shape.podSubnet, 'pod CIDR');
  const services = parseCidr(shape.serviceSubnet, 'service CIDR');
  if (overlaps(pods, services)) {
    throw new UserError(`pod CIDR ${shape.podSubnet} overlaps service CIDR ${shape.serviceSubnet}`, {
      fix: 'choose ranges that do not overlap',
    });
  }
  if (services.family === 4 && services.prefix < 12) {
    throw new UserError(`service CIDR ${shape.serviceSubnet} is too large`, {
      fix: 'kube-apiserver accepts at most a /12 for IPv4 services',
    });
  }
  if (isIP(shape.advertiseAddress) === 0) {
    throw new UserError(`invalid advertise address "${shape.advertiseAddress}"`, { fix: 'give an IP address such as 127.0.0.1' });
  }
  return shape;
}

export interface Cidr {
  family: 4 | 6;
  network: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

/** A CIDR as kubeadm takes it: a network address (no host bits) and a prefix. */
export function parseCidr(text: string, what = 'CIDR'): Cidr {
  const fix = 'write it as address/prefix, e.g. 10.244.0.0/16';
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    throw new UserError(`invalid ${what} "${text}"`, { fix });
  }
  const [address, prefix] = parsed;
  // An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is still an IPv6 range to Kubernetes.
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  if (network.toString() !== address.toString()) {
    throw new UserError(`invalid ${what} "${text}": host bits are set`, { fix: `did you mean ${network.toString()}/${prefix}?` });
  }
  return { family: address.kind() === 'ipv4' ? 4 : 6, network, prefix };
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (a.network.match(b.network, b.prefix) || b.network.match(a.network, a.prefix));
}

/** The n-th address of a CIDR (n = 1 is the first service IP, e.g. 10.10.0.1). */
export function nthAddress(text: string, n: number): string {
  const bytes = parseCidr(text).network.toByteArray();
  let carry = n;
  for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
    const sum = bytes[i]! + carry;
    bytes[i] = sum % 256;
    carry = Math.floor(sum / 256);
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** The nodes with this one in place of the node of its name, or added at the end. */
export function withNode(nodes: NodeShape[], node: NodeShape): NodeShape[] {
  return nodes.some((n) => n.name === node.name) ? nodes.map((n) => (n.name === node.name ? node : n)) : [...nodes, node];
}

/** The node of this name, or one line saying which nodes there are. */
export function nodeOf(shape: ClusterShape, node: string): NodeShape {
  const found = shape.nodes.find((n) => n.name === node);
  if (!found)
    throw new UserError(`cluster "${shape.name}" has no node "${node}"`, {
      fix: `its nodes are ${shape.nodes.map((n) => n.name).join(', ')}`,
    });
  return found;
}
