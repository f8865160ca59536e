// The pure parts of the kind path: config generation, names, host checks, kubelet settings.
// (What kind's own code makes of these configs: test/cluster/kind-schema.test.ts.)
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nodeImageTag } from '../../src/cluster/kind/image/recipe.ts';
import {
  imageKubernetesVersion,
  kindConfig,
  needsCgroupV1Opt,
  nodePatches,
  PATCHES_DIR,
  type KindConfigOptions,
} from '../../src/cluster/kind/config.ts';
import { kindErrorLine } from '../../src/cluster/kind/cli.ts';
import { hostCgroupVersion, inotifyShortage, thawFrozen } from '../../src/cluster/kind/host.ts';
import { maxPodsOf, withMaxPodsConfig } from '../../src/cluster/kubelet-config.ts';
import { containerNames, containerOf } from '../../src/cluster/kind/names.ts';
import { defaultShape, parseNodes, type ClusterShape } from '../../src/cluster/shape.ts';
import { UserError } from '../../src/errors.ts';

const fiveWorkers: ClusterShape = { ...defaultShape('big'), nodes: parseNodes('6', 250) };
const patchesRoot = '/state/kind/x/patches';
const hosts: KindConfigOptions[] = [
  { kubernetesVersion: 'v1.36.3', cgroupV1: true, patchesRoot },
  { kubernetesVersion: 'v1.36.3', cgroupV1: false, patchesRoot },
];

describe('kind config generation', () => {
  it('leaves apiVersion off every kubeadm patch, so kind matches its own kubeadm API version', () => {
    const config = kindConfig(fiveWorkers, hosts[0]!);
    const patches = [...config.kubeadmConfigPatches, ...config.nodes.flatMap((n) => n.kubeadmConfigPatches)].map(
      (p) => parse(p) as Record<string, unknown>,
    );
    expect(patches.length).toBe(2 + 6);
    expect(config.nodes.map((n) => n.extraMounts)).toEqual(
      fiveWorkers.nodes.map((n) => [{ hostPath: `${patchesRoot}/${n.name}`, containerPath: PATCHES_DIR, readOnly: true }]),
    );
    for (const patch of patches) expect(patch).not.toHaveProperty('apiVersion');
    expect(config.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker', 'worker', 'worker']);
  });

  it("opts out of the kubelet's cgroup v1 refusal only where Kubernetes has one (1.35+) and the host is v1", () => {
    expect(needsCgroupV1Opt({ kubernetesVersion: 'v1.36.3', cgroupV1: true })).toBe(true);
    expect(needsCgroupV1Opt({ kubernetesVersion: 'v1.35.0', cgroupV1: true })).toBe(true);
    expect(needsCgroupV1Opt({ kubernetesVersion: 'v1.34.2', cgroupV1: true })).toBe(false);
    expect(needsCgroupV1Opt({ kubernetesVersion: 'v1.36.3', cgroupV1: false })).toBe(false);
  });

  it('reads the Kubernetes version from the image tag', () => {
    expect(imageKubernetesVersion(nodeImageTag())).toBe('v1.36.3');
    expect(imageKubernetesVersion('kubelab/node:v1.36.3-0123456789ab')).toBe('v1.36.3');
    expect(imageKubernetesVersion('kindest/node:v1.36.3')).toBe('v1.36.3');
    expect(imageKubernetesVersion('kindest/node:v1.35.1@sha256:0123abcd')).toBe('v1.35.1');
    expect(imageKubernetesVersion('registry.local:5000/node:latest')).toBeUndefined();
  });
});

describe('host cgroup detection', () => {
  const root = () => mkdtempSync(join(tmpdir(), 'cgroup-'));

  it('sees v2 where the root lists its controllers', () => {
    const dir = root();
    writeFileSync(join(dir, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    expect(hostCgroupVersion(dir)).toBe(2);
  });

  it('sees v1 on a v1 or hybrid layout (controllers only under unified/)', () => {
    const dir = root();
    for (const sub of ['cpu', 'memory', 'unified']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'unified', 'cgroup.controllers'), '');
    expect(hostCgroupVersion(dir)).toBe(1);
  });
});

describe('frozen cgroups left by a killed runc', () => {
  it('thaws every frozen freezer cgroup under the given containers, and only those', () => {
    const root = mkdtempSync(join(tmpdir(), 'freezer-'));
    const pod = join(root, 'abc', 'kubelet.slice', 'pod1');
    const other = join(root, 'def');
    for (const dir of [pod, other]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'abc', 'freezer.state'), 'THAWED\n');
    writeFileSync(join(pod, 'freezer.state'), 'FROZEN\n');
    writeFileSync(join(other, 'freezer.state'), 'FROZEN\n');
    expect(thawFrozen(['abc'], root)).toBe(1);
    expect(readFileSync(join(pod, 'freezer.state'), 'utf8')).toBe('THAWED');
    expect(readFileSync(join(other, 'freezer.state'), 'utf8')).toBe('FROZEN\n');
    expect(thawFrozen(['missing'], root)).toBe(0);
  });
});

describe('inotify instances for kind nodes', () => {
  it('fits six nodes in the kernel default of 128, not seven, and many more in 512', () => {
    expect(inotifyShortage(6, 128)).toBeUndefined();
    expect(inotifyShortage(7, 128)).toBe('7 kind nodes need about 140 inotify instances, and fs.inotify.max_user_instances is 128');
    expect(inotifyShortage(25, 512)).toBeUndefined();
  });
});

describe('node names', () => {
  it("maps the shape's nodes to kind's container names, counting per role", () => {
    expect([...containerNames(defaultShape()).entries()]).toEqual([
      ['kub1', 'kubelab-control-plane'],
      ['kub2', 'kubelab-worker'],
      ['kub3', 'kubelab-worker2'],
    ]);
    expect(containerOf(fiveWorkers, 'kub6')).toBe('big-worker5');
  });

  it('names a node the cluster does not have in one line', () => {
    expect(() => containerOf(defaultShape(), 'kub9')).toThrow(UserError);
    expect(() => containerOf(defaultShape(), 'kub9')).toThrow(/has no node "kub9"/);
  });
});

describe('kubelet settings on a node', () => {
  it('reads max pods from the kubelet configuration, the default when unset, and refuses nonsense', () => {
    expect(maxPodsOf('kind: KubeletConfiguration\nmaxPods: 42\n')).toBe(42);
    expect(maxPodsOf('kind: KubeletConfiguration\n')).toBe(110);
    expect(() => maxPodsOf('maxPods: lots\n')).toThrow(/maxPods in the kubelet configuration is "lots"/);
  });

  it('gives each node a kubeadm patch with its own max pods', () => {
    expect(nodePatches({ name: 'kub2', role: 'worker', maxPods: 42 })).toEqual({ 'kubeletconfiguration+strategic.yaml': 'maxPods: 42\n' });
  });

  it('sets maxPods in the config file and keeps the rest', () => {
    const config =
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# kind sets this\ncgroupDriver: systemd\nmaxPods: 110\n';
    const edited = parse(withMaxPodsConfig(config, 250));
    expect(edited).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      cgroupDriver: 'systemd',
      maxPods: 250,
    });
    expect(withMaxPodsConfig(config, 250)).toContain('# kind sets this');
    expect(parse(withMaxPodsConfig('kind: KubeletConfiguration\n', 5))).toEqual({ kind: 'KubeletConfiguration', maxPods: 5 });
  });
});

describe('kind errors', () => {
  it('shows the ERROR line of a failed kind command', () => {
    const stderr =
      'Creating cluster "x" ...\n • Ensuring node image (kindest/node:v1.36.3) 🖼  ...\nERROR: failed to create cluster: node(s) already exist for a cluster with the name "x"\nStack Trace:\n  at foo\n';
    expect(kindErrorLine(stderr)).toBe('failed to create cluster: node(s) already exist for a cluster with the name "x"');
    expect(kindErrorLine('something broke\n\n')).toBe('something broke');
  });
});
