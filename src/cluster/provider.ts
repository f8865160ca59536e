import type { Progress } from '../progress.ts';
import type { ClusterShape } from './shape.ts';

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
 * What every provider does. The rest of kubelab talks to a cluster only through this
 * interface and the kubeconfig it returns, never asking which provider it is.
 */
export interface Provider {
  readonly name: ProviderName;
  /** Creates the cluster, or resumes it when it exists, and waits until it is ready. */
  up(shape: ClusterShape, progress: Progress): Promise<ClusterAccess>;
  /** Stops the cluster and keeps its state. */
  down(name: string, progress: Progress): Promise<void>;
  /** Removes the cluster and its state. */
  delete(name: string, progress: Progress): Promise<void>;
  /**
   * Brings an existing cluster to a shape that differs only in its nodes: joins missing
   * nodes, removes extra ones, and sets each node's max pods. Starts it when stopped.
   */
  reshape(shape: ClusterShape, progress: Progress): Promise<ClusterAccess>;
  /** Sets a node's max pods, as the kubelet's --max-pods would, and waits until the node reports it. */
  setMaxPods(name: string, node: string, maxPods: number): Promise<void>;
  /**
   * Brings back a node whose Node object was deleted (kubectl delete node), as a rebuilt
   * machine with the same name and settings registers itself again, and waits until it is Ready.
   */
  rebuildNode(name: string, node: string): Promise<void>;
  /** A new worker joins with a bootstrap token and the CA hash, as kubeadm join does, and becomes Ready. */
  joinNode(name: string, request: JoinRequest): Promise<JoinResult>;
  /** Removes a worker for good: its Node object and whatever runs it. */
  removeNode(name: string, node: string): Promise<void>;
  status(name: string): Promise<ClusterStatus>;
  /** The shape of a cluster this provider created, or undefined when there is none. */
  shapeOf(name: string): ClusterShape | undefined;
  /** Names of the clusters this provider created. */
  list(): Promise<string[]>;
  access(name: string): ClusterAccess;
  /**
   * Runs kubeadm with these arguments on the control-plane node and returns its stdout.
   * Only providers whose nodes are real machines or containers have it (kind).
   */
  execKubeadm?(name: string, args: string[]): Promise<string>;
}
