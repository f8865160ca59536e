// A kubeadm configuration file as the learner wrote it: its documents by kind, and whether it
// says what the notes' flags say; and the one the reference solutions write. Pure functions of
// the text, unit-tested without a cluster.
import { parseAllDocuments } from 'yaml';
import { NOTES } from './constants.ts';

type Document = Record<string, unknown>;

/** The file's kubeadm documents by kind, or why the text is not one. */
export function kubeadmDocuments(text: string): Map<string, Document> | string {
  const docs = parseAllDocuments(text);
  const broken = docs.find((doc) => doc.errors.length > 0);
  if (broken) return `the YAML does not parse: ${broken.errors[0]!.message.split('\n')[0]}`;
  const byKind = new Map<string, Document>();
  for (const doc of docs) {
    const value = doc.toJS() as unknown;
    if (!value || typeof value !== 'object') continue;
    const { apiVersion, kind } = value as Document;
    if (typeof apiVersion === 'string' && apiVersion.startsWith('kubeadm.k8s.io/') && typeof kind === 'string')
      byKind.set(kind, value as Document);
  }
  return byKind.size > 0 ? byKind : 'no document with apiVersion kubeadm.k8s.io/…';
}

function field(doc: Document | undefined, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Document)[key] : undefined), doc);
}

interface Expectation {
  kind: string;
  path: string;
  value: string;
  /** The kubeadm init flag the field stands for. */
  flag: string;
}

/** What ClusterConfiguration must say: settings of the whole cluster. */
export const CLUSTER_SETTINGS: Expectation[] = [
  { kind: 'ClusterConfiguration', path: 'networking.podSubnet', value: NOTES.podSubnet, flag: '--pod-network-cidr' },
  { kind: 'ClusterConfiguration', path: 'networking.serviceSubnet', value: NOTES.serviceSubnet, flag: '--service-cidr' },
];

/** What InitConfiguration must say: settings of the one machine kubeadm init runs on. */
export const NODE_SETTINGS: Expectation[] = [
  {
    kind: 'InitConfiguration',
    path: 'localAPIEndpoint.advertiseAddress',
    value: NOTES.advertiseAddress,
    flag: '--apiserver-advertise-address',
  },
  {
    kind: 'InitConfiguration',
    path: 'nodeRegistration.name',
    value: NOTES.nodeName,
    flag: '--node-name (the notes took it from the hostname)',
  },
];

/**
 * The notes' kubeadm init flags as a configuration file, as the reference solutions write it: an
 * InitConfiguration for kub1 and a ClusterConfiguration with the notes' networks, plus, where a
 * solution needs them, a certificatesDir and extra SANs for the API server's certificate.
 */
export function notesConfigFile(kubernetesVersion: string, extra: { certificatesDir?: string; certSANs?: string[] } = {}): string {
  return [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: InitConfiguration',
    'localAPIEndpoint:',
    `  advertiseAddress: ${NOTES.advertiseAddress}`,
    'nodeRegistration:',
    `  name: ${NOTES.nodeName}`,
    '---',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    `kubernetesVersion: ${kubernetesVersion}`,
    ...(extra.certificatesDir ? [`certificatesDir: ${extra.certificatesDir}`] : []),
    'networking:',
    `  podSubnet: ${NOTES.podSubnet}`,
    `  serviceSubnet: ${NOTES.serviceSubnet}`,
    ...(extra.certSANs ? ['apiServer:', `  certSANs: [${extra.certSANs.join(', ')}]`] : []),
  ].join('\n');
}

/** The first expectation the documents miss, said so that it points at the field, not the value. */
export function settingsProblem(docs: Map<string, Document>, expected: Expectation[]): string | undefined {
  for (const { kind, path, value, flag } of expected) {
    const doc = docs.get(kind);
    if (!doc) return `no ${kind} document`;
    const found = field(doc, path);
    if (found === undefined) return `${kind} ${path} is not set, though the notes' ${flag} sets it`;
    if (typeof found !== 'string' || found.trim() !== value)
      return `${kind} ${path} is ${JSON.stringify(found)}, not what the notes' ${flag} says`;
  }
  return undefined;
}
