// The pod-network lab's verdicts as pure functions of API objects, flannel's manifest as the
// node image carries it, and what a cluster without a pod network is waited for.
import type { V1ConfigMap, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  backendProblems,
  dialVerdict,
  echoProblems,
  inCidr,
  lastChanged,
  netConfProblems,
  netConfSource,
  notReadyReasons,
  parseNetConf,
  ring,
  runsFlanneld,
  staleFlanneld,
} from '../../checks/pod-network/judge.ts';
import { withoutUnbuildableBackends } from '../../src/cluster/kind/image/artifacts.ts';
import { flannelManifest } from '../../src/cluster/kind/image/flannel.ts';
import { PARKED_NETWORK, readiness } from '../../src/cluster/wait.ts';
import { networkRows, podNetworkRows, podState, podsByNodeAndState } from '../../labs/components/pod-network.ts';

const node = (name: string, podCIDR: string, extra: Partial<V1Node> = {}): V1Node => ({
  metadata: { name, annotations: {} },
  spec: { podCIDR },
  status: { conditions: [{ type: 'Ready', status: 'True', message: 'kubelet is posting ready status' }] },
  ...extra,
});
const notReady = (name: string, message: string): V1Node => ({
  metadata: { name },
  status: { conditions: [{ type: 'Ready', status: 'False', message }] },
});
const withBackend = (n: V1Node, backend: string): V1Node => ({
  ...n,
  metadata: { ...n.metadata, annotations: { 'flannel.alpha.coreos.com/backend-type': backend } },
});

/** flanneld's container as upstream's kube-flannel.yml runs it. */
const flannelPod = (volume = 'flannel-cfg', configMap = 'kube-flannel-cfg'): V1Pod => ({
  metadata: { name: 'kube-flannel-ds-x', namespace: 'kube-flannel' },
  spec: {
    containers: [
      {
        name: 'kube-flannel',
        command: ['/opt/bin/flanneld'],
        args: ['--ip-masq', '--kube-subnet-mgr'],
        volumeMounts: [
          { name: 'run', mountPath: '/run/flannel' },
          { name: volume, mountPath: '/etc/kube-flannel/' },
        ],
      },
    ],
    volumes: [
      { name: 'run', hostPath: { path: '/run/flannel' } },
      { name: volume, configMap: { name: configMap } },
    ],
  },
});
const netConf = (text: string): V1ConfigMap => ({ data: { 'net-conf.json': text } });

const echo = (name: string, nodeName: string, ip: string | undefined, extra: Partial<V1Pod['spec']> = {}): V1Pod => ({
  metadata: { name },
  spec: { nodeName, containers: [{ name: 'echo' }], ...extra },
  status: ip
    ? { phase: 'Running', podIP: ip }
    : {
        phase: 'Pending',
        containerStatuses: [
          { name: 'echo', image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
});

describe('finding flannel', () => {
  it('knows flanneld by its program, in command or args, whatever the pod is called', () => {
    expect(runsFlanneld(flannelPod())).toBe(true);
    expect(runsFlanneld({ spec: { containers: [{ name: 'x', image: 'i', args: ['flanneld', '--kube-subnet-mgr'] }] } })).toBe(true);
    expect(runsFlanneld({ spec: { containers: [{ name: 'net', command: ['/bin/bash', '-c'], args: ['echo flanneld-like'] }] } })).toBe(
      false,
    );
  });

  it('reads net-conf.json from the ConfigMap mounted at /etc/kube-flannel, however the volume is named', () => {
    expect(netConfSource(flannelPod())).toBe('kube-flannel-cfg');
    expect(netConfSource(flannelPod('cfg', 'my-flannel'))).toBe('my-flannel');
  });
});

describe('flannel’s configuration', () => {
  it('passes host-gw over the notes’ network', () => {
    const conf = parseNetConf(netConf('{"Network": "10.244.0.0/16", "EnableNFTables": false, "Backend": {"Type": "host-gw"}}'));
    expect(netConfProblems(conf, '10.244.0.0/16')).toEqual([]);
  });

  it('refuses upstream’s vxlan, another network, no backend, and what is not JSON', () => {
    const vxlan = parseNetConf(netConf('{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}'));
    expect(netConfProblems(vxlan, '10.244.0.0/16')).toEqual(['Backend.Type is vxlan, not host-gw']);
    const other = parseNetConf(netConf('{"Network": "10.100.0.0/16", "Backend": {"Type": "host-gw"}}'));
    expect(netConfProblems(other, '10.244.0.0/16')).toEqual(["Network is 10.100.0.0/16, not the cluster's pod network 10.244.0.0/16"]);
    const bare = parseNetConf(netConf('{"Network": "10.244.0.0/16"}'));
    expect(netConfProblems(bare, '10.244.0.0/16')).toEqual(['Backend.Type is not set, not host-gw']);
    expect(netConfProblems(parseNetConf(netConf('{"Network": ')), '10.244.0.0/16')).toEqual([
      "flannel's net-conf.json is missing or not JSON",
    ]);
    expect(netConfProblems(parseNetConf({ data: {} }), '10.244.0.0/16')).toEqual(["flannel's net-conf.json is missing or not JSON"]);
  });

  it('judges the backend flannel runs by what it wrote on each Node, not by the ConfigMap', () => {
    const nodes = [
      withBackend(node('kub1', '10.244.0.0/24'), 'host-gw'),
      withBackend(node('kub2', '10.244.1.0/24'), 'vxlan'),
      node('kub3', '10.244.2.0/24'),
    ];
    expect(backendProblems(nodes)).toEqual(['kub2: flannel runs the vxlan backend', 'kub3: flannel has not started there']);
    expect(backendProblems(nodes.slice(0, 1))).toEqual([]);
  });
});

describe('nodes without a network', () => {
  it('names the nodes that share the kubelet’s reason together', () => {
    const message =
      'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
    expect(
      notReadyReasons([notReady('kub1', message), notReady('kub2', message), notReady('kub3', 'Kubelet stopped posting node status.')]),
    ).toEqual([`kub1, kub2: ${message}`, 'kub3: Kubelet stopped posting node status.']);
  });
});

describe('the echo pods', () => {
  const nodes = [node('kub1', '10.244.0.0/24'), node('kub2', '10.244.1.0/24')];

  it('pass when each node runs one on the pod network, inside its own podCIDR', () => {
    expect(echoProblems(nodes, [echo('echo-a', 'kub1', '10.244.0.2'), echo('echo-b', 'kub2', '10.244.1.7')])).toEqual([]);
  });

  it('say which node lacks one, which waits for a network, which took the node’s own, which got an address elsewhere', () => {
    expect(echoProblems(nodes, [echo('echo-a', 'kub1', undefined)])).toEqual(['kub1: echo-a is ContainerCreating', 'kub2: no echo pod']);
    expect(
      echoProblems(nodes, [echo('echo-a', 'kub1', '172.18.0.3', { hostNetwork: true }), echo('echo-b', 'kub2', '10.244.0.9')]),
    ).toEqual([
      "kub1: echo-a uses the node's own network (hostNetwork), not the pod network",
      "kub2: echo-b has 10.244.0.9, outside the node's podCIDR 10.244.1.0/24",
    ]);
  });

  it('dial round the ring, so that every node both sends and receives', () => {
    expect(ring(['a', 'b', 'c'])).toEqual([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
    ]);
    expect(ring(['a'])).toEqual([]);
  });

  it('read agnhost’s /dial answer: the right name, an error, another name, not agnhost at all', () => {
    expect(dialVerdict('{"responses":["echo-b"]}', 'echo-b')).toBeUndefined();
    expect(dialVerdict('{"errors":["reading from udp connection failed. err:\'read udp: i/o timeout\'"]}', 'echo-b')).toMatch(
      /^reading from udp/,
    );
    expect(dialVerdict('{"responses":["echo-c"]}', 'echo-b')).toBe('answered ["echo-c"], not echo-b');
    expect(dialVerdict('Error: no endpoints', 'echo-b')).toBe('not an answer from agnhost: Error: no endpoints');
  });

  it('places addresses in CIDRs of their own family only', () => {
    expect(inCidr('10.244.1.7', '10.244.1.0/24')).toBe(true);
    expect(inCidr('10.244.2.7', '10.244.1.0/24')).toBe(false);
    expect(inCidr('fd00::1', '10.244.1.0/24')).toBe(false);
    expect(inCidr('not an ip', '10.244.1.0/24')).toBe(false);
  });
});

describe('flannel in the node image', () => {
  const upstream = [
    'kind: ConfigMap',
    'data:',
    '  cni-conf.json: |',
    '    {',
    '      "name": "cbr0",',
    '      "cniVersion": "1.0.0",',
    '  net-conf.json: |',
    '    { "Network": "10.244.0.0/16", "Backend": { "Type": "vxlan" } }',
    '      initContainers:',
    '      - name: install-cni-plugin',
    '        image: ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3',
    '      - name: install-cni',
    '        image: ghcr.io/flannel-io/flannel:v0.28.10',
    '      containers:',
    '      - name: kube-flannel',
    '        image: ghcr.io/flannel-io/flannel:v0.28.10',
  ].join('\n');

  it('is upstream’s manifest with the local image and the CNI version the plugin speaks, the backend left as vxlan', () => {
    const out = flannelManifest(upstream, 'kubelab.local/flannel:v0.28.10', 'v0.28.10');
    expect(out).not.toMatch(/ghcr\.io/);
    expect(out.match(/image: kubelab\.local\/flannel:v0\.28\.10$/gm)).toHaveLength(3);
    expect(out).toMatch(/"cniVersion": "0\.4\.0"/);
    expect(out).toMatch(/"Type": "vxlan"/);
    expect(out.split('\n')[0]).toMatch(/^# flannel v0\.28\.10's Documentation\/kube-flannel\.yml/);
  });

  it('refuses a manifest whose images it does not recognise', () => {
    expect(() => flannelManifest('kind: DaemonSet\n', 'kubelab.local/flannel:v0.28.10', 'v0.28.10')).toThrow(
      /no ghcr\.io\/flannel-io images/,
    );
  });

  it('builds flanneld without the backends that cannot build here, and says so when upstream changes', () => {
    const main = [
      'import (',
      '\t_ "github.com/flannel-io/flannel/pkg/backend/hostgw"',
      '\t_ "github.com/flannel-io/flannel/pkg/backend/tencentvpc"',
      '\t_ "github.com/flannel-io/flannel/pkg/backend/udp"',
      '\t_ "github.com/flannel-io/flannel/pkg/backend/vxlan"',
      ')',
    ].join('\n');
    expect(withoutUnbuildableBackends(main)).toBe(
      [
        'import (',
        '\t_ "github.com/flannel-io/flannel/pkg/backend/hostgw"',
        '\t_ "github.com/flannel-io/flannel/pkg/backend/vxlan"',
        ')',
      ].join('\n'),
    );
    expect(() => withoutUnbuildableBackends('import ()\n')).toThrow(/no longer imports the tencentvpc backend/);
  });
});

describe('a cluster whose pod network a lab parked', () => {
  const kubeProxy: V1Pod = {
    metadata: { name: 'kube-proxy-a' },
    spec: { hostNetwork: true, containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const coredns: V1Pod = { metadata: { name: 'coredns-a' }, spec: { containers: [] }, status: { phase: 'Pending' } };
  const nodes = [notReady('kub1', 'cni plugin not initialized')];
  const cni = (nodeSelector?: Record<string, string>): V1DaemonSet => ({
    metadata: { name: 'kubelab-net' },
    spec: { selector: {}, template: { spec: { containers: [], nodeSelector } } },
    status: { desiredNumberScheduled: 0, numberReady: 0, currentNumberScheduled: 0, numberMisscheduled: 0 },
  });
  const parked = cni({ [PARKED_NETWORK.key]: PARKED_NETWORK.value });

  it('is ready once the control plane runs and every node registered', () => {
    expect(readiness(['kub1'], nodes, [kubeProxy, coredns], [], [parked])).toEqual({ ready: true, waitingFor: [] });
    expect(readiness(['kub1', 'kub2'], nodes, [kubeProxy], [], [parked]).waitingFor).toEqual(['node kub2 registered']);
    expect(readiness(['kub1'], nodes, [{ ...kubeProxy, status: { phase: 'Pending' } }], [], [parked]).waitingFor).toEqual([
      'pod kube-proxy-a Running',
    ]);
  });

  it('is not ready while its CNI runs, or is merely scheduled nowhere without the mark', () => {
    expect(readiness(['kub1'], nodes, [kubeProxy, coredns], [], [cni()]).waitingFor).toEqual([
      'node kub1 Ready',
      'daemonset kubelab-net 0/0',
      'pod coredns-a Running',
    ]);
    expect(readiness(['kub1'], nodes, [kubeProxy], [], [cni({ other: 'label' })]).ready).toBe(false);
  });
});

describe('flannel’s variants and stale starts', () => {
  it('finds flanneld left to the image’s entrypoint, or wrapped in a shell', () => {
    expect(runsFlanneld({ spec: { containers: [{ name: 'f', args: ['--ip-masq', '--kube-subnet-mgr'] }] } })).toBe(true);
    expect(runsFlanneld({ spec: { containers: [{ name: 'f', command: ['sh', '-c'], args: ['exec /opt/bin/flanneld --ip-masq'] }] } })).toBe(
      true,
    );
  });

  it('reads net-conf.json mounted as a single file, and keys in any case as flannel’s JSON parser does', () => {
    const pod = flannelPod();
    const container = pod.spec!.containers[0]!;
    container.volumeMounts = [{ name: 'flannel-cfg', mountPath: '/etc/kube-flannel/net-conf.json', subPath: 'net-conf.json' }];
    expect(netConfSource(pod)).toBe('kube-flannel-cfg');
    expect(netConfProblems(parseNetConf(netConf('{"network": "10.244.0.0/16", "backend": {"type": "host-gw"}}')), '10.244.0.0/16')).toEqual(
      [],
    );
  });

  it('counts a ConfigMap changed after flanneld started as not read yet', () => {
    const configMap: V1ConfigMap = {
      metadata: {
        creationTimestamp: new Date('2026-11-30T10:00:00Z'),
        managedFields: [{ manager: 'kubectl-edit', operation: 'Update', time: new Date('2026-11-30T10:05:00Z') }],
      },
    };
    const changed = lastChanged(configMap)!;
    expect(changed.toISOString()).toBe('2026-11-30T10:05:00.000Z');
    const started = (at: string, name: string): V1Pod => ({
      metadata: { name },
      spec: { nodeName: 'kub1', containers: [] },
      status: {
        containerStatuses: [
          { name: 'f', image: '', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: new Date(at) } } },
        ],
      },
    });
    expect(staleFlanneld([started('2026-11-30T10:06:00Z', 'new')], changed)).toEqual([]);
    expect(staleFlanneld([started('2026-11-30T10:01:00Z', 'old')], changed)).toEqual([
      'old on kub1 started before its ConfigMap last changed, so it runs what it read then',
    ]);
  });
});

describe('the page’s views', () => {
  const nodes = [
    withBackend(
      {
        ...node('kub1', '10.244.0.0/24'),
        status: { ...node('kub1', '').status, addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] },
      },
      'host-gw',
    ),
    { ...notReady('kub2', 'cni plugin not initialized'), spec: { podCIDR: '10.244.1.0/24' } },
  ];
  const pods: V1Pod[] = [
    {
      metadata: { name: 'kube-proxy-a', namespace: 'kube-system' },
      spec: { nodeName: 'kub1', hostNetwork: true, containers: [] },
      status: { phase: 'Running' },
    },
    { ...echo('echo-b', 'kub2', undefined), metadata: { name: 'echo-b', namespace: 'pod-network' } },
    { ...echo('echo-a', 'kub1', '10.244.0.2'), metadata: { name: 'echo-a', namespace: 'pod-network' } },
  ];

  it('shows each node’s slice, address, readiness in the kubelet’s words, and flannel’s backend', () => {
    expect(networkRows(nodes)).toEqual([
      { node: 'kub1', status: 'Ready', podCIDR: '10.244.0.0/24', address: '172.18.0.3', 'flannel backend': 'host-gw' },
      { node: 'kub2', status: 'NotReady: cni plugin not initialized', podCIDR: '10.244.1.0/24', address: '', 'flannel backend': '—' },
    ]);
    expect(networkRows(null)).toEqual([]);
  });

  it('lists only the pods that need the pod network, and counts every pod per node, state and network', () => {
    expect(podNetworkRows(pods)).toEqual([
      { pod: 'pod-network/echo-a', node: 'kub1', state: 'Running', ip: '10.244.0.2' },
      { pod: 'pod-network/echo-b', node: 'kub2', state: 'ContainerCreating', ip: '' },
    ]);
    expect(podsByNodeAndState(pods)).toEqual([
      { node: 'kub1', state: 'Running', network: "the node's own", count: 1 },
      { node: 'kub2', state: 'ContainerCreating', network: 'pod network', count: 1 },
      { node: 'kub1', state: 'Running', network: 'pod network', count: 1 },
    ]);
    expect(podState({ metadata: { deletionTimestamp: new Date() }, status: { phase: 'Running' } })).toBe('Terminating');
  });
});
