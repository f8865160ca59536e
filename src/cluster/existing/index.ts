// Any cluster the user already has, reached through a kubeconfig context. kubelab did not create
// it: it reads freely, changes nothing without --yes, and never stops, removes or reaches into
// the machines of that cluster.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../errors.ts';
import { loadKubeConfig } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { apiServerHealth, nodeSummaries } from '../api.ts';
import type { ClusterAccess, ClusterStatus, KubeletConfigFile, NodeCapability, NodePort, NodeShell, Provider } from '../provider.ts';
import type { ClusterShape } from '../shape.ts';

export interface ExistingOptions {
  /** A context of the user's kubeconfig. */
  context: string;
  /** Default: the first file of $KUBECONFIG, else ~/.kube/config (as kubectl and the lab commands read it). */
  kubeconfig?: string;
  /** The user's explicit permission (--yes) to change a cluster kubelab did not create. */
  allowChanges?: boolean;
}

export function defaultKubeconfig(): string {
  return process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
}

/** Node operations happen on machines kubelab does not run here: each says so in one line. */
class ForeignNodes implements NodePort {
  private readonly context: string;

  constructor(context: string) {
    this.context = context;
  }

  private refuse(what: string): never {
    throw new UserError(`kubelab cannot ${what} in context "${this.context}": it does not run that cluster's machines`, {
      fix: "do it on the node yourself (kubeadm, the kubelet's configuration), or use a cluster kubelab runs",
    });
  }

  shell(): NodeShell {
    this.refuse('reach a node');
  }
  async add(): Promise<void> {
    this.refuse('add a node');
  }
  async remove(): Promise<void> {
    this.refuse('remove a node');
  }
  async join(): Promise<never> {
    this.refuse('join a node');
  }
  async rebuild(): Promise<void> {
    this.refuse('rebuild a node');
  }
  kubeletConfig(): KubeletConfigFile {
    this.refuse("reach a kubelet's configuration");
  }
  async restartKubelet(): Promise<void> {
    this.refuse('restart a kubelet');
  }
}

export class ExistingProvider implements Provider {
  readonly name = 'existing' as const;
  readonly capabilities: readonly NodeCapability[] = [];
  readonly context: string;
  readonly kubeconfig: string;
  readonly allowChanges: boolean;
  readonly nodes: NodePort;

  constructor(options: ExistingOptions) {
    this.context = options.context;
    this.kubeconfig = options.kubeconfig ?? defaultKubeconfig();
    this.allowChanges = options.allowChanges ?? false;
    this.nodes = new ForeignNodes(this.context);
  }

  private refuseUnlessAllowed(action: string): void {
    if (!this.allowChanges) {
      throw new UserError(`refusing to ${action} context "${this.context}": kubelab did not create it`, {
        fix: `add --yes if you mean it (--context ${this.context} --yes)`,
      });
    }
  }

  private kc(): KubeConfig {
    return loadKubeConfig(this.kubeconfig, this.context);
  }

  /** kubelab made no shape for this cluster. */
  shapeOf(_name: string): ClusterShape | undefined {
    return undefined;
  }

  async list(): Promise<string[]> {
    return [];
  }

  access(_name: string): ClusterAccess {
    return { name: this.context, kubeconfig: this.kubeconfig, context: this.context };
  }

  /** Creates nothing: the cluster must answer as it is. */
  async provision(_shape: ClusterShape, progress: Progress): Promise<void> {
    await this.start(this.context, progress);
  }

  async start(_name: string, progress: Progress): Promise<void> {
    this.refuseUnlessAllowed('bring up');
    const api = await apiServerHealth(this.kc());
    if (!api.healthy) throw new UserError(`the cluster of context "${this.context}" is not ready: ${api.detail}`);
    progress.done(`using context "${this.context}" as it is`);
  }

  async stop(_name: string, _progress: Progress): Promise<void> {
    this.refuseUnlessAllowed('stop');
    throw new UserError(`kubelab cannot stop context "${this.context}": it does not run that cluster`, {
      fix: 'stop it with the tool that created it',
    });
  }

  /** The cluster stays: kubelab never removes one it did not create. */
  async remove(_name: string, progress: Progress): Promise<void> {
    this.refuseUnlessAllowed('delete from');
    progress.done(`the cluster of context "${this.context}" is untouched: kubelab did not create it`);
  }

  async status(_name: string): Promise<ClusterStatus> {
    const kc = this.kc();
    const api = await apiServerHealth(kc);
    const nodes = api.healthy ? await nodeSummaries(kc) : [];
    return {
      name: this.context,
      provider: 'existing',
      reason: '',
      running: api.healthy,
      context: this.context,
      kubeconfig: this.kubeconfig,
      components: [api],
      nodes,
    };
  }
}
