import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { versions } from '../binaries/versions.ts';
import type { NodeShape } from './shape.ts';

/** The annotation by which kwok recognises the nodes it plays the kubelet for. */
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

/**
 * Where a node that kwok plays shows the configuration its kubelet started with, in the shape
 * a real kubelet serves at /configz ({"kubeletconfig": {...}}): kubelab plays that kubelet's
 * start, and this is how a check tells a kubelet restarted with a new file from a Node whose
 * status was only patched.
 */
export const CONFIGZ_ANNOTATION = 'kubelab.dev/kubelet-configz';

/**
 * Set on a Node that kubelab's own shortcut brought back (kubelab node rebuild), so that a lab
 * grading a rebuild by hand can tell the shortcut from a learner's join.
 */
export const SHORTCUT_ANNOTATION = 'kubelab.dev/shortcut';

/** Marks a Node kubelab brought back itself (see SHORTCUT_ANNOTATION). */
export async function markShortcut(api: CoreV1Api, node: string): Promise<void> {
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await api.patchNode({ name: node, body: { metadata: { annotations: { [SHORTCUT_ANNOTATION]: 'kubelab node rebuild' } } } }, merge);
}

export function configzAnnotation(maxPods: number): Record<string, string> {
  return { [CONFIGZ_ANNOTATION]: JSON.stringify({ kubeletconfig: { maxPods } }) };
}

/**
 * A Node as a kubelet registers it, for kwok to keep alive. CPU and memory are ample so
 * that, as in the source notes' experiment, only the pod count limits scheduling.
 */
export function kwokNode(node: NodeShape, arch = 'amd64'): V1Node {
  const resources = { cpu: '32', memory: '128Gi', 'ephemeral-storage': '100Gi', pods: String(node.maxPods) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': arch,
        type: 'kwok',
        ...(node.role === 'control-plane'
          ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
          : {}),
      },
      annotations: {
        [KWOK_ANNOTATION]: 'fake',
        ...configzAnnotation(node.maxPods),
        'node.alpha.kubernetes.io/ttl': '0',
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
      },
    },
    // What kubeadm's mark-control-plane phase sets (that phase reads /etc/kubernetes/admin.conf
    // and takes no --kubeconfig, so kubelab registers the node already marked).
    spec: node.role === 'control-plane' ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      capacity: resources,
      allocatable: resources,
      nodeInfo: {
        architecture: arch,
        operatingSystem: 'linux',
        osImage: 'kwok',
        kernelVersion: '',
        kubeletVersion: versions.kubernetes,
        kubeProxyVersion: '',
        containerRuntimeVersion: `kwok-${versions.kwok}`,
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function rolesOf(node: V1Node): string[] {
  const prefix = 'node-role.kubernetes.io/';
  return Object.keys(node.metadata?.labels ?? {})
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}
