import { stringify } from 'yaml';
import { versions } from '../../binaries/versions.ts';
import type { ClusterShape } from '../shape.ts';
import type { Ports } from './ports.ts';

type Args = Record<string, string>;
const extraArgs = (args: Args) => Object.entries(args).map(([name, value]) => ({ name, value }));

export interface KubeadmConfigInput {
  shape: ClusterShape;
  ports: Ports;
  dir: string;
  token: string;
}

/**
 * The kubeadm v1beta4 configuration of a local cluster: the source notes' flags plus
 * the overrides a set of plain processes needs (loopback ports, one instance of each
 * component so no leader election, fast ECDSA keys).
 */
export function kubeadmConfig({ shape, ports, dir, token }: KubeadmConfigInput): string {
  const controlPlane = shape.nodes.find((n) => n.role === 'control-plane')!;
  const etcdClient = `https://127.0.0.1:${ports.etcdClient}`;
  const etcdPeer = `https://127.0.0.1:${ports.etcdPeer}`;
  const init = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'InitConfiguration',
    bootstrapTokens: [
      { token, ttl: '24h0m0s', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] },
    ],
    localAPIEndpoint: { advertiseAddress: shape.advertiseAddress, bindPort: ports.apiserver },
    nodeRegistration: {
      name: controlPlane.name,
      criSocket: 'unix:///var/run/containerd/containerd.sock',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
  };
  const cluster = {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'ClusterConfiguration',
    kubernetesVersion: versions.kubernetes,
    clusterName: 'kubernetes',
    certificatesDir: `${dir}/pki`,
    controlPlaneEndpoint: `127.0.0.1:${ports.apiserver}`,
    encryptionAlgorithm: 'ECDSA-P256',
    networking: { podSubnet: shape.podSubnet, serviceSubnet: shape.serviceSubnet, dnsDomain: 'cluster.local' },
    etcd: {
      local: {
        dataDir: `${dir}/etcd`,
        extraArgs: extraArgs({
          'listen-client-urls': etcdClient,
          'advertise-client-urls': etcdClient,
          'listen-peer-urls': etcdPeer,
          'initial-advertise-peer-urls': etcdPeer,
          'initial-cluster': `${controlPlane.name}=${etcdPeer}`,
          'listen-metrics-urls': `http://127.0.0.1:${ports.etcdMetrics}`,
          // A lab cluster trades durability on power loss for speed; kill -9 of etcd loses nothing.
          'unsafe-no-fsync': 'true',
          // A single member has no peers to wait for: a short election timeout lets it
          // elect itself leader at once instead of after the default second.
          'heartbeat-interval': '10',
          'election-timeout': '100',
        }),
      },
    },
    apiServer: {
      extraArgs: extraArgs({
        'bind-address': '127.0.0.1',
        'etcd-servers': etcdClient,
        // The watch cache keeps a copy of every resource type's objects and history in the API
        // server, to spare etcd on big clusters; a lab's etcd serves lists and watches itself
        // with the same answers, and the API server holds about 30 MiB less.
        'watch-cache': 'false',
      }),
    },
    // The default client rate limit (20 QPS) paces kube-controller-manager's start-up: it makes
    // a ServiceAccount and a token for each of its ~40 controllers. A one-machine lab has no
    // neighbours to protect, so the limits are raised (as kwokctl --disable-qps-limits does).
    controllerManager: {
      extraArgs: extraArgs({
        'secure-port': String(ports.controllerManager),
        'leader-elect': 'false',
        'kube-api-qps': '500',
        'kube-api-burst': '1000',
      }),
    },
    scheduler: {
      extraArgs: extraArgs({
        'secure-port': String(ports.scheduler),
        'leader-elect': 'false',
        'kube-api-qps': '500',
        'kube-api-burst': '1000',
      }),
    },
  };
  return `${stringify(init)}---\n${stringify(cluster)}`;
}
