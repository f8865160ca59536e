// Helpers for the kubeadm init page: turn the objects kubeadm leaves behind into table rows, and
// tell from the Nodes which provider runs the cluster, so the page shows commands that work on
// it. Pure functions of the objects the kube.js cells return, plus one guard for kinds a built
// site's snapshot may lack.
import type { KubernetesObject, V1CertificateSigningRequest, V1ConfigMap, V1Node } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { Kube, ListOptions } from './kube.ts';

const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

/**
 * Where the learner's nodes run, read off the Nodes: kwok marks the nodes it plays (the local
 * provider), and kind names each node's container in its providerID (kind://docker/<cluster>/<container>).
 * provider is null when the nodes say neither (no cluster yet, or another kind of cluster).
 */
export interface Machine {
  provider: 'local' | 'kind' | null;
  /** kind's control-plane container; null on the local provider and when the provider is unknown. */
  controlPlane: string | null;
}

export function machineOf(nodes: V1Node[] | null | undefined): Machine {
  const list = nodes ?? [];
  if (list.some((n) => n.metadata?.annotations?.[KWOK_ANNOTATION])) return { provider: 'local', controlPlane: null };
  const controlPlane = list.find((n) => Object.hasOwn(n.metadata?.labels ?? {}, 'node-role.kubernetes.io/control-plane'));
  const match = /^kind:\/\/[^/]+\/[^/]+\/(.+)$/.exec(controlPlane?.spec?.providerID ?? '');
  if (match) return { provider: 'kind', controlPlane: match[1]! };
  return { provider: null, controlPlane: null };
}

const KIND_PLACEHOLDER = '<cluster>-control-plane';

/** One command or its two forms, local provider and kind, when the page cannot tell which runs. */
function forMachine(machine: Machine | undefined, local: string, kind: string): string {
  if (machine?.provider === 'local') return local;
  if (machine?.provider === 'kind') return kind;
  return `# local provider:\n${local}\n# kind:\n${kind}`;
}

/**
 * A kubeadm command on the control-plane machine, as this cluster's provider needs it: on the
 * local provider kubeadm runs here and finds the cluster's files through kubelab's kubeadm.yaml;
 * on kind it runs in the control-plane container, whose files sit where kubeadm expects them.
 */
export function controlPlaneKubeadm(machine: Machine | undefined, args: string): string {
  const local = `kubeadm ${args} --config "$(dirname "$KUBECONFIG")/kubeadm.yaml"`;
  return forMachine(machine, local, `docker exec ${machine?.controlPlane ?? KIND_PLACEHOLDER} kubeadm ${args}`);
}

/** Lists the cluster's PKI directory, where this provider keeps it. */
export function pkiList(machine: Machine | undefined): string {
  return forMachine(
    machine,
    'ls "$(dirname "$KUBECONFIG")/pki"',
    `docker exec ${machine?.controlPlane ?? KIND_PLACEHOLDER} ls /etc/kubernetes/pki`,
  );
}

/**
 * Prints a file of the cluster's PKI into a command on this machine (openssl, say), so that the
 * command runs here on either provider and the node container needs nothing but cat.
 */
export function pkiRead(machine: Machine | undefined, file: string, pipe?: string): string {
  const local = `cat "$(dirname "$KUBECONFIG")/pki/${file}"${pipe ? ` | ${pipe}` : ''}`;
  const kind = `docker exec ${machine?.controlPlane ?? KIND_PLACEHOLDER} cat /etc/kubernetes/pki/${file}${pipe ? ` | ${pipe}` : ''}`;
  return forMachine(machine, local, kind);
}

/** One sentence on where this cluster runs, for the top of the page. */
export function machineSentence(machine: Machine): string {
  if (machine.provider === 'local')
    return 'This cluster runs on the local provider: the control plane is a set of processes on this machine, and kwok plays every kubelet.';
  if (machine.provider === 'kind')
    return `This cluster runs on kind: every node is a container, the control plane is ${machine.controlPlane}, and real kubelets run the pods.`;
  return 'No lab cluster answers yet, so the commands below come in both forms: for the local provider and for kind.';
}

/** The settings of kubeadm's ClusterConfiguration that the notes' flags decide, from ConfigMap kube-system/kubeadm-config. */
export function clusterConfigurationRows(configMap: V1ConfigMap | null | undefined): Record<string, string | undefined>[] {
  const text = configMap?.data?.ClusterConfiguration;
  if (!text) return [];
  const config: ClusterConfiguration = parse(text) ?? {};
  const net = config.networking ?? {};
  return [
    { setting: 'networking.podSubnet', value: net.podSubnet, 'set by': '--pod-network-cidr' },
    { setting: 'networking.serviceSubnet', value: net.serviceSubnet, 'set by': '--service-cidr' },
    { setting: 'networking.dnsDomain', value: net.dnsDomain, 'set by': '--service-dns-domain (default)' },
    { setting: 'kubernetesVersion', value: config.kubernetesVersion, 'set by': '--kubernetes-version' },
    { setting: 'controlPlaneEndpoint', value: config.controlPlaneEndpoint, 'set by': '--control-plane-endpoint' },
    { setting: 'certificatesDir', value: config.certificatesDir, 'set by': '--cert-dir' },
  ];
}

/** The fields of kubeadm's ClusterConfiguration (kubeadm.k8s.io/v1beta4) that the page shows. */
interface ClusterConfiguration {
  networking?: { podSubnet?: string; serviceSubnet?: string; dnsDomain?: string };
  kubernetesVersion?: string;
  controlPlaneEndpoint?: string;
  certificatesDir?: string;
}

/** One row per token that has signed cluster-info, and the API server its kubeconfig names. */
export function clusterInfoRows(configMap: V1ConfigMap | null | undefined): Record<string, string>[] {
  const data = configMap?.data ?? {};
  const kubeconfig: { clusters?: { cluster?: { server?: string } }[] } | null = parse(data.kubeconfig ?? '');
  const server = kubeconfig?.clusters?.[0]?.cluster?.server ?? '';
  return Object.keys(data)
    .filter((key) => key.startsWith('jws-kubeconfig-'))
    .sort()
    .map((key) => {
      // A JWS with a detached payload: header..signature (split always gives the header).
      const [header, , signature] = data[key]!.split('.') as [string, string?, string?];
      let alg = '';
      try {
        alg = JSON.parse(atob(header.replace(/-/g, '+').replace(/_/g, '/'))).alg;
      } catch {
        alg = '?';
      }
      return {
        key,
        'token id': key.slice('jws-kubeconfig-'.length),
        algorithm: alg,
        signature: `${signature!.slice(0, 12)}…`,
        'kubeconfig server': server,
      };
    });
}

function age(timestamp: Date | string | undefined): string {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(timestamp ?? Number.NaN).getTime()) / 1000));
  return seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`;
}

/** The columns `kubectl get csr` shows. */
export function csrRow(csr: V1CertificateSigningRequest): Record<string, string | undefined> {
  const conditions = (csr.status?.conditions ?? []).filter((c) => c.status !== 'False').map((c) => c.type);
  if (csr.status?.certificate) conditions.push('Issued');
  return {
    name: csr.metadata?.name,
    age: age(csr.metadata?.creationTimestamp),
    signer: csr.spec?.signerName,
    requestor: csr.spec?.username,
    condition: conditions.join(',') || 'Pending',
  };
}

/** What the learner recorded in an answers ConfigMap, with files shortened to their first line. */
export function answerRows(configMap: V1ConfigMap | null | undefined): { key: string; value: string }[] {
  return Object.entries(configMap?.data ?? {}).map(([key, value]) => ({
    key,
    value: value.includes('\n') ? `${value.split('\n').find((line) => line.trim()) ?? ''} … (${value.split('\n').length} lines)` : value,
  }));
}

/**
 * A kube.js watch that yields {items} and, when the kind cannot be read (a built site whose
 * snapshot lacks it), one {items: [], note} instead of failing the cell.
 */
export async function* watchOrNote(
  kube: Kube,
  apiVersion: string,
  kind: string,
  options?: ListOptions,
): AsyncGenerator<{ items: KubernetesObject[]; note?: string }, void> {
  try {
    for await (const items of kube.watch(apiVersion, kind, options)) yield { items };
  } catch (error) {
    yield { items: [], note: (error as Error).message };
  }
}
