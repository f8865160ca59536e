// Every kind config kubelab writes, read by kind's own loader, validator and kubeadm-config
// renderer (test/kind-schema: kind v0.30.0's Go code, compiled here, so this is no unit test).
import { describe, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PATCHES_DIR, renderKindConfig, type KindConfigOptions } from '../../src/cluster/kind/config.ts';
import { containerNames, containerOf } from '../../src/cluster/kind/names.ts';
import { defaultShape, parseNodes, validateShape, type ClusterShape } from '../../src/cluster/shape.ts';
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
// biome-ignore lint/suspicious/noExplicitAny: a kubeadm document read as data; the tests index into it freely
const byKind = (docs: Doc[], kind: string) => docs.find((d) => d.kind === kind) as Record<string, any> | undefined;
/** kubeletExtraArgs and extraArgs: a map in kubeadm v1beta3 (what kind v0.30.0 writes), a name/value list in v1beta4. */
const args = (list: { name: string; value: string }[] | Record<string, string> | undefined): Record<string, string> =>
  Array.isArray(list) ? Object.fromEntries(list.map((a) => [a.name, a.value])) : (list ?? {});

const go = hasGo();
if (!go) console.log("kind schema tests skipped: Go is not installed, so kind's own config code (test/kind-schema) cannot run");

describe.runIf(go)('kind configs, as kind v0.30.0 reads them', () => {
  let binary = '';
  beforeAll(() => {
    binary = buildKindSchema();
  }, 300_000);

  for (const host of hosts) {
    describe(`on a cgroup v${host.cgroupV1 ? 1 : 2} host`, () => {
      let views: KindView[] = [];
      beforeAll(() => {
        views = kindView(
          binary,
          shapes.map((s) => renderKindConfig(s, host)),
        );
      });

      it.each(shapes.map((s, i) => [s.name, i] as const))("%s: kind accepts it and makes the shape's nodes and networks", (_name, i) => {
        const shape = shapes[i]!;
        const view = views[i]!;
        expect(view.error).toBeUndefined();
        expect(view.name).toBe(shape.name);
        expect(view.networking).toMatchObject({
          IPFamily: 'ipv4',
          APIServerAddress: '127.0.0.1',
          PodSubnet: shape.podSubnet,
          ServiceSubnet: shape.serviceSubnet,
        });
        expect(view.nodes!.map((n) => n.role)).toEqual(shape.nodes.map((n) => n.role));
        // kubelab's mapping agrees with the names kind's own namer gives the containers.
        expect(view.nodes!.map((n) => n.container)).toEqual([...containerNames(shape).values()]);
      });

      it.each(shapes.map((s, i) => [s.name, i] as const))(
        "%s: each node's kubeadm config names the node and reads its own kubelet patches",
        (_name, i) => {
          const shape = shapes[i]!;
          shape.nodes.forEach((node, j) => {
            const docs = docsOf(views[i]!.nodes![j]!.kubeadmConfig);
            const own = byKind(docs, node.role === 'control-plane' ? 'InitConfiguration' : 'JoinConfiguration')!;
            expect(own.nodeRegistration.name).toBe(node.name);
            expect(own.patches).toEqual({ directory: PATCHES_DIR });
            // No --max-pods flag: the kubelet's own configuration file holds it, where an administrator changes it.
            expect(args(own.nodeRegistration.kubeletExtraArgs)).not.toHaveProperty('max-pods');
            expect(args(own.nodeRegistration.kubeletExtraArgs)['provider-id']).toBe(
              `kind://docker/${shape.name}/${containerOf(shape, node.name)}`,
            );
            const kubelet = byKind(docs, 'KubeletConfiguration')!;
            expect(kubelet.maxPods).toBeUndefined();
            expect(kubelet.failCgroupV1).toBe(host.cgroupV1 ? false : undefined);
            const cluster = byKind(docs, 'ClusterConfiguration')!;
            expect(cluster.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
            expect(cluster.networking).toEqual({ podSubnet: shape.podSubnet, serviceSubnet: shape.serviceSubnet });
            expect(args(cluster.apiServer.extraArgs)['kubelet-preferred-address-types']).toBe('InternalIP,ExternalIP,Hostname');
          });
        },
      );
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
    const [view] = kindView(
      binary,
      [renderKindConfig(defaultShape(), { kubernetesVersion: 'v1.35.0', cgroupV1: true, patchesRoot })],
      'v1.35.0',
    );
    expect(view!.error).toBeUndefined();
    const join = byKind(docsOf(view!.nodes![1]!.kubeadmConfig), 'JoinConfiguration')!;
    expect(join.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
    expect(join.patches).toEqual({ directory: PATCHES_DIR });
  });
});
