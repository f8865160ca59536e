import { isIP } from 'node:net';
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
    : spec.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new UserError(`--nodes "${spec}" names no node`, { fix: 'give a count such as 3 or names such as kub1,kub2,kub3' });
  return names.map((name, i) => ({ name, role: i === 0 ? 'control-plane' : 'worker', maxPods }));
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
    if (!Number.isInteger(node.maxPods) || node.maxPods < 1 || node.maxPods > 10000) {
      throw new UserError(`invalid max pods ${node.maxPods} for node "${node.name}"`, { fix: 'use a whole number from 1 to 10000' });
    }
  }
  if (shape.nodes.filter((n) => n.role === 'control-plane').length !== 1) {
    throw new UserError('the cluster needs exactly one control-plane node');
  }
  const pods = parseCidr(shape.podSubnet, 'pod CIDR');
  const services = parseCidr(shape.serviceSubnet, 'service CIDR');
  if (pods.family === services.family && overlaps(pods, services)) {
    throw new UserError(`pod CIDR ${shape.podSubnet} overlaps service CIDR ${shape.serviceSubnet}`, { fix: 'choose ranges that do not overlap' });
  }
  if (services.family === 4 && services.prefix < 12) {
    throw new UserError(`service CIDR ${shape.serviceSubnet} is too large`, { fix: 'kube-apiserver accepts at most a /12 for IPv4 services' });
  }
  if (isIP(shape.advertiseAddress) === 0) {
    throw new UserError(`invalid advertise address "${shape.advertiseAddress}"`, { fix: 'give an IP address such as 127.0.0.1' });
  }
  return shape;
}

export interface Cidr {
  family: 4 | 6;
  /** The address as a big integer. */
  base: bigint;
  prefix: number;
}

export function parseCidr(text: string, what = 'CIDR'): Cidr {
  const [address = '', prefixText, extra] = text.split('/');
  const family = isIP(address);
  const bits = family === 6 ? 128 : 32;
  const prefix = Number(prefixText);
  if (family === 0 || extra !== undefined || prefixText === undefined || !/^\d+$/.test(prefixText) || prefix > bits) {
    throw new UserError(`invalid ${what} "${text}"`, { fix: 'write it as address/prefix, e.g. 10.244.0.0/16' });
  }
  const base = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((base & hostMask) !== 0n) {
    throw new UserError(`invalid ${what} "${text}": host bits are set`, { fix: `did you mean ${formatAddress(base & ~hostMask, family as 4 | 6)}/${prefix}?` });
  }
  return { family: family as 4 | 6, base, prefix };
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = a.family === 4 ? 32 : 128;
  const shorter = Math.min(a.prefix, b.prefix);
  const shift = BigInt(bits - shorter);
  return a.base >> shift === b.base >> shift;
}

/** The n-th address of a CIDR (n = 1 is the first service IP, e.g. 10.10.0.1). */
export function nthAddress(text: string, n: number): string {
  const cidr = parseCidr(text);
  return formatAddress(cidr.base + BigInt(n), cidr.family);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(address.includes('::') ? missing : 0).fill('0'), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part, 16)), 0n);
}

function formatAddress(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}
