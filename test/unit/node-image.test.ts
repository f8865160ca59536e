// The pure parts of kubelab image build: recipe digests, mmdebstrap arguments, and the edits
// to kind's containerd configuration.
import { describe, expect, it } from 'vitest';
import { shortName, workloadRef } from '../../src/cluster/kind/image/components.ts';
import { cniManifest, containerdConfig } from '../../src/cluster/kind/image/node.ts';
import { COMPONENT_PACKAGES, digests, NET_IMAGE, NODE_PACKAGES, nodeImageTag } from '../../src/cluster/kind/image/recipe.ts';
import { mmdebstrapArgs, rootfsImage } from '../../src/cluster/kind/image/rootfs.ts';
import { WORKLOAD_IMAGE } from '../../src/cluster/workload.ts';

// The parts of kind v0.30.0's images/base/files/etc/containerd/config.toml that kubelab edits.
const kindContainerdConfig = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  base_runtime_spec = "/etc/containerd/cri-base.json"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.test-handler]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.test-handler.options]
    SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  restrict_oom_score_adj = false
`;

describe('the node image recipe', () => {
  it('names the image by Kubernetes version and a digest of the recipe', () => {
    expect(nodeImageTag()).toMatch(/^kubelab\/node:v1\.36\.3-[0-9a-f]{12}$/);
    expect(nodeImageTag()).toBe(nodeImageTag());
    expect(digests.rootfs(NODE_PACKAGES)).not.toBe(digests.rootfs(COMPONENT_PACKAGES));
    expect(digests.rootfs([...NODE_PACKAGES, 'vim'])).not.toBe(digests.rootfs(NODE_PACKAGES));
  });

  it('builds the Debian root filesystem from the archive only, without documentation', () => {
    const args = mmdebstrapArgs(['systemd', 'runc'], '/tmp/out.tar', 'http://mirror.example/debian');
    expect(args).toContain('--variant=minbase');
    expect(args).toContain('--include=systemd,runc');
    expect(args.slice(-5)).toEqual([
      'bookworm',
      '/tmp/out.tar',
      'deb http://mirror.example/debian bookworm main',
      'deb http://mirror.example/debian bookworm-updates main',
      'deb http://mirror.example/debian-security bookworm-security main',
    ]);
    expect(rootfsImage('node', NODE_PACKAGES)).toMatch(/^kubelab\/rootfs:node-bookworm-[0-9a-f]{12}$/);
  });

  it('points containerd at the pre-loaded pause image and the capability filter', () => {
    const config = containerdConfig(kindContainerdConfig, 'registry.k8s.io/pause:3.10.2');
    expect(config).toContain('sandbox_image = "registry.k8s.io/pause:3.10.2"');
    expect(config).toContain('restrict_oom_score_adj = true');
    expect(config).toContain(
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    BinaryName = "/usr/local/sbin/runc-capfilter"\n    SystemdCgroup = true',
    );
    expect(config.match(/BinaryName/g)).toHaveLength(1);
  });

  it("fails in one line when kind's file no longer has what it edits", () => {
    expect(() => containerdConfig(kindContainerdConfig.replace('sandbox_image', 'sandbox'), 'p')).toThrow(
      /has no sandbox_image: the pinned kind release changed it/,
    );
  });

  it("names the CNI daemon's pre-loaded image in the manifest kind installs", async () => {
    const manifest = await cniManifest();
    expect(manifest).toContain(`image: ${NET_IMAGE}`);
    expect(manifest).toContain('would you kindly patch this file');
    expect(manifest).not.toContain('KUBERNETES_VERSION');
  });

  it("knows images by their short names, and the labs' workload by its upstream name", () => {
    expect(shortName('registry.k8s.io/coredns/coredns:v1.14.2')).toBe('coredns');
    expect(shortName('registry.k8s.io/etcd:3.6.8-0')).toBe('etcd');
    expect(workloadRef('2.63.0')).toBe(WORKLOAD_IMAGE);
  });
});
