// What kubelab's kind node image is made of, pinned, and the digests that name each build
// step, so that a step is redone exactly when its inputs change.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceBuildKey } from '../../../binaries/build.ts';
import { versions } from '../../../binaries/versions.ts';
import { packageRoot } from '../../../paths.ts';

/** Build recipe files: Dockerfile, capability filter, CNI manifest. */
export const recipeDir = join(packageRoot, 'tools', 'node-image');
/** The CoreDNS module (the version kubeadm deploys, with the plugins its Corefile names). */
export const corednsDir = join(packageRoot, 'tools', 'coredns');
/** The flannel module: flanneld and install-conf, for the pod-network lab. */
export const flannelDir = join(packageRoot, 'tools', 'flannel');

/**
 * flannel's CNI plugin (the `flannel` type in a CNI configuration). Its own module is not
 * served here; containernetworking/plugins carried it until v1.0, and v0.9.1 is its last
 * release there. It speaks CNI up to 0.4.0.
 */
export const FLANNEL_CNI_PLUGINS_VERSION = 'v0.9.1';
export const FLANNEL_CNI_VERSION = '0.4.0';

/** The flannel release tools/flannel pins. */
export function flannelVersion(): string {
  const pinned = /github\.com\/flannel-io\/flannel (v\S+)/.exec(readFileSync(join(flannelDir, 'go.mod'), 'utf8'))?.[1];
  if (!pinned) throw new Error('tools/flannel/go.mod pins no github.com/flannel-io/flannel');
  return pinned;
}

/** flannel's image in the node's containerd: built here, so not under upstream's ghcr.io name. */
export const flannelImage = () => `kubelab.local/flannel:${flannelVersion()}`;

/**
 * The kind CLI, and the release whose base-image files (entrypoint, containerd config, kubelet
 * unit) kubelab takes from the kind module. v0.30.0 is the one verified on a Debian bookworm
 * base; later releases build on a Debian whose systemd (> 252) no longer boots on a cgroup v1
 * host, and their files assume that base.
 */
export const KIND_VERSION = 'v0.30.0';
/** crictl, for `kind export logs` and for looking inside a node; Debian bookworm does not package it. */
export const CRICTL_VERSION = 'v1.34.0';
/** Debian 12: systemd 252, the last that runs as PID 1 on cgroup v1 hosts such as these. */
export const DEBIAN_SUITE = 'bookworm';

/** A node: systemd, containerd and runc, CNI plugins, and what kubelet, kube-proxy and kubeadm call. */
export const NODE_PACKAGES = [
  'systemd',
  'containerd',
  'runc',
  'containernetworking-plugins',
  'conntrack',
  'iptables',
  'nftables',
  'ebtables',
  'ipset',
  'iproute2',
  'ethtool',
  'socat',
  'util-linux',
  'mount',
  'kmod',
  'libseccomp2',
  'pigz',
  'fuse-overlayfs',
  'bash',
  'ca-certificates',
  'curl',
  'jq',
  'procps',
];

/** Under the component images: kube-proxy needs the netfilter tools, the CNI daemon a shell and ip. */
export const COMPONENT_PACKAGES = ['bash', 'ca-certificates', 'iptables', 'nftables', 'conntrack', 'ipset', 'iproute2', 'kmod'];

/** The CNI daemon's image, pre-loaded into every node: nothing is ever pulled. */
export const NET_IMAGE = `kubelab.local/net:${versions.kubernetes}`;

function hashOf(parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 12);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

function contentsOf(dir: string): (string | Buffer)[] {
  return filesUnder(dir).flatMap((file) => [relative(packageRoot, file), readFileSync(file)]);
}

const buildCode = fileURLToPath(new URL('.', import.meta.url));

/** Names a step's output: its inputs, nothing else. */
export const digests = {
  rootfs: (packages: string[]) => hashOf([DEBIAN_SUITE, ...packages]),
  base: () => hashOf([digests.rootfs(NODE_PACKAGES), KIND_VERSION, ...contentsOf(recipeDir)]),
  coredns: () => hashOf(contentsOf(corednsDir)),
  flannel: () => hashOf([...contentsOf(flannelDir), FLANNEL_CNI_PLUGINS_VERSION]),
  /** The whole image: every step's inputs and the code that runs the steps. */
  node: () =>
    hashOf([
      digests.base(),
      digests.rootfs(COMPONENT_PACKAGES),
      digests.coredns(),
      digests.flannel(),
      sourceBuildKey(),
      CRICTL_VERSION,
      ...contentsOf(buildCode),
    ]),
};

/** The tag of the node image this checkout builds. */
export function nodeImageTag(): string {
  return `kubelab/node:${versions.kubernetes}-${digests.node()}`;
}
