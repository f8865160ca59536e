import type { Progress } from '../progress.ts';
import type { ClusterShape, NodeShape } from './shape.ts';

export type ProviderName = 'local' | 'kind' | 'existing';

export interface ComponentHealth {
  name: string;
  healthy: boolean;
  detail: string;
  pid?: number | null;
  restarts?: number;
  log?: string;
}

export interface NodeSummary {
  name: string;
  ready: boolean;
  roles: string[];
  schedulable: boolean;
  allocatablePods: number;
}

export interface ClusterStatus {
  name: string;
  provider: ProviderName;
  /** Why this provider was chosen (auto-detection or an explicit flag). */
  reason: string;
  running: boolean;
  context: string;
  kubeconfig: string;
  components: ComponentHealth[];
  nodes: NodeSummary[];
}

/** Where a running cluster is reached. */
export interface ClusterAccess {
  name: string;
  kubeconfig: string;
  context: string;
}

/** kubeadm join's inputs: a bootstrap token and the CA pins its discovery checks. */
export interface JoinRequest {
  token: string;
  caCertHashes: string[];
  /** Default: the first free kub<N>. */
  nodeName?: string;
  /** host:port of the API server, where the provider lets the user choose it. */
  endpoint?: string;
  /** kubeadm's progress lines, as it prints them. */
  onStep?: (line: string) => void;
}

export interface JoinResult {
  node: string;
  /** Where the node runs and how it got its credentials, in a sentence. */
  detail: string;
}

/**
 * What a provider's nodes can do beyond running pods. A lab names the ones it needs, and a
 * cluster whose provider lacks one refuses the lab before it starts.
 * - join: a new node joins with a bootstrap token and the CA hash (kubeadm join)
 * - rebuild: a node whose Node object was deleted comes back, as a rebuilt machine would
 * - kubelet-config: each node's kubelet reads a configuration file, and restarts
 * - containers: pods run real containers (logs, exec, a pod network)
 * - static-pods: the control plane runs as the kubelet's static pods, from kubeadm's manifests
 * - machines: each node is a machine of its own, where a lab may run commands as root (its
 *   network, its CNI configuration) without touching this one
 */
export const NODE_CAPABILITIES = ['join', 'rebuild', 'kubelet-config', 'containers', 'static-pods', 'machines'] as const;
export type NodeCapability = (typeof NODE_CAPABILITIES)[number];

/** A node's kubelet configuration file, where the provider keeps it. */
export interface KubeletConfigFile {
  /** Where an administrator edits it: a path on this machine, or in a node container. */
  where: string;
  read(): Promise<string>;
  write(text: string): Promise<void>;
}

/** How an administrator reaches a node from a shell on this machine, as commands to type. */
export interface NodeShell {
  /** Whether the node's files are on this machine (the local provider), so `run` adds nothing. */
  here: boolean;
  /** A command that runs `command` on the node (as is, where the node's files are local). */
  run(command: string): string;
  /** The kubelet configuration file's path, as `run` sees it. */
  kubeletConfig: string;
  /** The command that restarts the node's kubelet. */
  restartKubelet: string;
  /** The configuration file `kubeadm init` ran with on the control plane, as `run` sees it. */
  kubeadmConfig: string;
}

/** What happens on a node's machine rather than through the API. */
export interface NodePort {
  shell(name: string, node: string): NodeShell;
  /** A new worker joins the way this provider's nodes join, and becomes Ready. */
  add(name: string, node: NodeShape, progress: Progress): Promise<void>;
  /** Removes a worker for good: its Node object and whatever runs it. */
  remove(name: string, node: string): Promise<void>;
  /** A new worker joins with the user's bootstrap token and CA hash, as kubeadm join does. */
  join(name: string, request: JoinRequest): Promise<JoinResult>;
  /** A deleted Node's machine is rebuilt and joins again, keeping its name and settings. */
  rebuild(name: string, node: string): Promise<void>;
  kubeletConfig(name: string, node: string): KubeletConfigFile;
  /**
   * Restarts the node's kubelet, which reads its configuration file as it starts, and resolves
   * once the Node reports what the file says.
   */
  restartKubelet(name: string, node: string): Promise<void>;
}

/**
 * Where clusters run: the infrastructure under a cluster, and nothing else. Bringing a cluster
 * up, reshaping it and waiting for it are the same for every provider (lifecycle.ts); the rest
 * of kubelab reaches a cluster through its kubeconfig and never asks which provider made it.
 */
export interface Provider {
  readonly name: ProviderName;
  readonly capabilities: readonly NodeCapability[];
  /** The recorded shape of a cluster this provider made, or undefined. */
  shapeOf(name: string): ClusterShape | undefined;
  /** Names of the clusters this provider made. */
  list(): Promise<string[]>;
  access(name: string): ClusterAccess;
  status(name: string): Promise<ClusterStatus>;
  /** Makes a new cluster's infrastructure and starts it; resolves once its API server answers. */
  provision(shape: ClusterShape, progress: Progress): Promise<void>;
  /** Starts a stopped cluster (nothing when it runs); resolves once its API server answers. */
  start(name: string, progress: Progress): Promise<void>;
  /** Stops the cluster; every object is kept. */
  stop(name: string, progress: Progress): Promise<void>;
  /** Removes the cluster and its state, only ever one this provider made. */
  remove(name: string, progress: Progress): Promise<void>;
  readonly nodes: NodePort;
}
