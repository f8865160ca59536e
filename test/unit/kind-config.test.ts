// Every kind config kubelab writes, read by kind's own loader, validator and kubeadm-config
// renderer (test/kind-schema, kind v0.30.0's Go code), plus the pure parts of the kind path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { nodeImageTag } from '../../src/cluster/kind/image/recipe.ts';
import { imageKubernetesVersion, kindConfig, needsCgroupV1Opt, nodePatches, PATCHES_DIR, renderKindConfig, type KindConfigOptions } from '../../src/cluster/kind/config.ts';
import { kindErrorLine } from '../../src/cluster/kind/cli.ts';
import { hostCgroupVersion, inotifyShortage } from '../../src/cluster/kind/host.ts';
import { maxPodsOf, withMaxPodsConfig } from '../../src/cluster/kubelet-config.ts';
import { containerNames, containerOf } from '../../src/cluster/kind/names.ts';
import { defaultShape, parseNodes, validateShape, type ClusterShape } from '../../src/cluster/shape.ts';
import { UserError } from '../../src/errors.ts';
import { buildKindSchema, hasGo, kindView, type KindView } from '../kind-schema/run.ts';

const fiveWorkers: ClusterShape = { ...defaultShape('big'), nodes: parseNodes('6', 250) };
const mixed: ClusterShape = {
  ...defaultShape('mixed'),
  podSubnet: '10.200.0.0/16',
  serviceSubnet: '10.96.0.0/12',
  nodes: [
    { name: 'kub1', role: 'control-plane', maxPods: 110 },
    { name: 'kub2', role: 'worker', maxPods: 5 },
    { name: 'kub3', role: 'worker', maxPods: 250 },
  ],
};
const shapes = [defaultShape(), fiveWorkers, mixed].map(validateShape);
const patchesRoot = '/state/kind/x/patches';
const hosts: KindConfigOptions[] = [
  { kubernetesVersion: 'v1.36.3', cgroupV1: true, patchesRoot },
  { kubernetesVersion: 'v1.36.3', cgroupV1: false, patchesRoot },
];

type Doc = Record<string, unknown> & { kind: string };
const docsOf = (kubeadmConfig: string) => parseAllDocuments(kubeadmConfig).map((d) => d.toJS() as Doc);
const byKind = (docs: Doc[], kind: string) => docs.find((d) => d.kind === kind) as Record<string, any> | undefined;
/** kubeletExtraArgs and extraArgs: a map in kubeadm v1beta3 (what kind v0.30.0 writes), a name/value list in v1beta4. */
const args = (list: { name: string; value: string }[] | Record<string, string> | undefined): Record<string, string> =>
  Array.isArray(list) ? Object.fromEntries(list.map((a) => [a.name, a.value])) : (list ?? {});

const go = hasGo();
if (!go) console.log('kind schema tests skipped: Go is not installed, so kind\'s own config code (test/kind-schema) cannot run');

describe.runIf(go)('kind configs, as kind v0.30.0 reads them', () => {
  let binary = '';
  beforeAll(() => {
    binary = buildKindSchema();
  }, 300_000);

  for (const host of hosts) {
    describe(`on a cgroup v${host.cgroupV1 ? 1 : 2} host`, () => {
      let views: KindView[] = [];
      beforeAll(() => {
        views = kindView(binary, shapes.map((s) => renderKindConfig(s, host)));
      });

      it.each(shapes.map((s, i) => [s.name, i] as const))('%s: kind accepts it and makes the shape\'s nodes and networks', (_name, i) => {
        const shape = shapes[i]!;
        const view = views[i]!;
        expect(view.error).toBeUndefined();
        expect(view.name).toBe(shape.name);
        expect(view.networking).toMatchObject({ IPFamily: 'ipv4', APIServerAddress: '127.0.0.1', PodSubnet: shape.podSubnet, ServiceSubnet: shape.serviceSubnet });
        expect(view.nodes!.map((n) => n.role)).toEqual(shape.nodes.map((n) => n.role));
        // kubelab's mapping agrees with the names kind's own namer gives the containers.
        expect(view.nodes!.map((n) => n.container)).toEqual([...containerNames(shape).values()]);
      });

      it.each(shapes.map((s, i) => [s.name, i] as const))('%s: each node\'s kubeadm config names the node and reads its own kubelet patches', (_name, i) => {
        const shape = shapes[i]!;
        shape.nodes.forEach((node, j) => {
          const docs = docsOf(views[i]!.nodes![j]!.kubeadmConfig);
          const own = byKind(docs, node.role === 'control-plane' ? 'InitConfiguration' : 'JoinConfiguration')!;
          expect(own.nodeRegistration.name).toBe(node.name);
          expect(own.patches).toEqual({ directory: PATCHES_DIR });
          // No --max-pods flag: the kubelet's own configuration file holds it, where an administrator changes it.
          expect(args(own.nodeRegistration.kubeletExtraArgs)).not.toHaveProperty('max-pods');
          expect(args(own.nodeRegistration.kubeletExtraArgs)['provider-id']).toBe(`kind://docker/${shape.name}/${containerOf(shape, node.name)}`);
          const kubelet = byKind(docs, 'KubeletConfiguration')!;
          expect(kubelet.maxPods).toBeUndefined();
          expect(kubelet.failCgroupV1).toBe(host.cgroupV1 ? false : undefined);
          const cluster = byKind(docs, 'ClusterConfiguration')!;
          expect(cluster.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
          expect(cluster.networking).toEqual({ podSubnet: shape.podSubnet, serviceSubnet: shape.serviceSubnet });
          expect(args(cluster.apiServer.extraArgs)['kubelet-preferred-address-types']).toBe('InternalIP,ExternalIP,Hostname');
        });
      });
    });
  }

  it('is strict: kind refuses a misspelt field, an unknown role and a cluster without control plane', () => {
    const good = renderKindConfig(defaultShape(), hosts[0]!);
    const views = kindView(binary, [
      good.replace('podSubnet:', 'podSubnets:'),
      good.replace('role: worker', 'role: helper'),
      good.replace('role: control-plane', 'role: worker'),
    ]);
    expect(views[0]!.error).toMatch(/field podSubnets not found/);
    expect(views[1]!.error).toMatch(/helper/);
    expect(views[2]!.error).toMatch(/must have at least one control-plane node/);
  });

  it('on Kubernetes 1.35 and older-format images the same config still loads', () => {
    const [view] = kindView(binary, [renderKindConfig(defaultShape(), { kubernetesVersion: 'v1.35.0', cgroupV1: true, patchesRoot })], 'v1.35.0');
    expect(view!.error).toBeUndefined();
    const join = byKind(docsOf(view!.nodes![1]!.kubeadmConfig), 'JoinConfiguration')!;
    expect(join.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
    expect(join.patches).toEqual({ directory: PATCHES_DIR });
  });
});

describe('kind config generation', () => {
  it('leaves apiVersion off every kubeadm patch, so kind matches its own kubeadm API version', () => {
    const config = kindConfig(fiveWorkers, hosts[0]!);
    const patches = [...config.kubeadmConfigPatches, ...config.nodes.flatMap((n) => n.kubeadmConfigPatches)].map((p) => parse(p) as Record<string, unknown>);
    expect(patches.length).toBe(2 + 6);
    expect(config.nodes.map((n) => n.extraMounts)).toEqual(fiveWorkers.nodes.map((n) => [{ hostPath: `${patchesRoot}/${n.name}`, containerPath: PATCHES_DIR, readOnly: true }]));
    for (const patch of patches) expect(patch).not.toHaveProperty('apiVersion');
    expect(config.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker', 'worker', 'worker', 'worker']);
  });

  it('opts out of the kubelet\'s cgroup v1 refusal only where Kubernetes has one (1.35+) and the host is v1', () => {
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

describe('inotify instances for kind nodes', () => {
  it('fits six nodes in the kernel default of 128, not seven, and many more in 512', () => {
    expect(inotifyShortage(6, 128)).toBeUndefined();
    expect(inotifyShortage(7, 128)).toBe('7 kind nodes need about 140 inotify instances, and fs.inotify.max_user_instances is 128');
    expect(inotifyShortage(25, 512)).toBeUndefined();
  });
});

describe('node names', () => {
  it('maps the shape\'s nodes to kind\'s container names, counting per role', () => {
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
  it('gives each node a kubeadm patch with its own max pods', () => {
    expect(nodePatches({ name: 'kub2', role: 'worker', maxPods: 42 })).toEqual({ 'kubeletconfiguration+strategic.yaml': 'maxPods: 42\n' });
  });

  it('sets maxPods in the config file and keeps the rest', () => {
    const config = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# kind sets this\ncgroupDriver: systemd\nmaxPods: 110\n';
    const edited = parse(withMaxPodsConfig(config, 250));
    expect(edited).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd', maxPods: 250 });
    expect(withMaxPodsConfig(config, 250)).toContain('# kind sets this');
    expect(parse(withMaxPodsConfig('kind: KubeletConfiguration\n', 5))).toEqual({ kind: 'KubeletConfiguration', maxPods: 5 });
  });
});

describe('kind errors', () => {
  it('shows the ERROR line of a failed kind command', () => {
    const stderr = 'Creating cluster "x" ...\n • Ensuring node image (kindest/node:v1.36.3) 🖼  ...\nERROR: failed to create cluster: node(s) already exist for a cluster with the name "x"\nStack Trace:\n  at foo\n';
    expect(kindErrorLine(stderr)).toBe('failed to create cluster: node(s) already exist for a cluster with the name "x"');
    expect(kindErrorLine('something broke\n\n')).toBe('something broke');
  });
});
