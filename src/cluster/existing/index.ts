import { homedir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { CHECKER_NAME, CHECKER_NAMESPACE } from '../../engine/identity.ts';
import { UserError } from '../../errors.ts';
import { clients, loadKubeConfig, messageOf, statusOf } from '../../kube/client.ts';
import type { Progress } from '../../progress.ts';
import { KWOK_ANNOTATION } from '../nodes.ts';
import type { JoinRequest, JoinResult, ClusterAccess, ClusterStatus, Provider } from '../provider.ts';
import type { ClusterShape } from '../shape.ts';
import { apiServerHealth, nodeSummaries } from './api.ts';

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

/**
 * Any cluster the user already has, reached through a kubeconfig context. kubelab did not
 * create it, so it reads freely but changes nothing without --yes, and never stops or
 * removes the cluster itself.
 */
export class ExistingProvider implements Provider {
  readonly name = 'existing' as const;
  readonly context: string;
  readonly kubeconfig: string;
  readonly allowChanges: boolean;

  constructor(options: ExistingOptions) {
    this.context = options.context;
    this.kubeconfig = options.kubeconfig ?? defaultKubeconfig();
    this.allowChanges = options.allowChanges ?? false;
  }

  private refuseUnlessAllowed(action: string): void {
    if (!this.allowChanges) {
      throw new UserError(`refusing to ${action} context "${this.context}": kubelab did not create it`, { fix: `add --yes if you mean it (--context ${this.context} --yes)` });
    }
  }

  private kc(): KubeConfig {
    return loadKubeConfig(this.kubeconfig, this.context);
  }

  /** Creates nothing: checks that the cluster answers. */
  async up(_shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    this.refuseUnlessAllowed('bring up');
    const api = await apiServerHealth(this.kc());
    if (!api.healthy) throw new UserError(`the cluster of context "${this.context}" is not ready: ${api.detail}`);
    progress.done(`using context "${this.context}" as it is`);
    return this.access(this.context);
  }

  async down(_name: string, _progress: Progress): Promise<void> {
    this.refuseUnlessAllowed('stop');
    throw new UserError(`kubelab cannot stop context "${this.context}": it does not run that cluster`, { fix: 'stop it with the tool that created it' });
  }

  /** Removes only what kubelab put into the cluster (the checker identity); the cluster stays. */
  async delete(_name: string, progress: Progress): Promise<void> {
    this.refuseUnlessAllowed('delete from');
    const kc = this.kc();
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const removals = [
      () => rbac.deleteClusterRoleBinding({ name: `kubelab:${CHECKER_NAME}` }),
      () => rbac.deleteClusterRole({ name: `kubelab:${CHECKER_NAME}` }),
      () => clients(kc).core.deleteNamespace({ name: CHECKER_NAMESPACE }),
    ];
    for (const remove of removals) {
      try {
        await remove();
      } catch (error) {
        if (statusOf(error) !== 404) throw new UserError(`cannot remove kubelab's objects from context "${this.context}": ${messageOf(error)}`);
      }
    }
    progress.done(`removed kubelab's checker identity from context "${this.context}"; the cluster itself is untouched`);
  }

  /** Changes no nodes: checks that the cluster has the shape's nodes, and sets their max pods where kubelab can. */
  async reshape(shape: ClusterShape, progress: Progress): Promise<ClusterAccess> {
    this.refuseUnlessAllowed('reshape');
    const present = new Map((await nodeSummaries(this.kc())).map((n) => [n.name, n]));
    const missing = shape.nodes.filter((n) => !present.has(n.name)).map((n) => n.name);
    if (missing.length) {
      throw new UserError(`context "${this.context}" lacks nodes ${missing.join(', ')} that this lab needs`, { fix: 'use a kubelab cluster instead (drop --context)' });
    }
    for (const node of shape.nodes) {
      if (present.get(node.name)?.allocatablePods !== node.maxPods) {
        progress.step(`setting max pods of ${node.name} to ${node.maxPods}`);
        await this.setMaxPods(this.context, node.name, node.maxPods);
      }
    }
    return this.access(this.context);
  }

  /** Only kwok's nodes take a max pods from the API; a real kubelet's flag is out of kubelab's reach here. */
  async setMaxPods(_name: string, node: string, maxPods: number): Promise<void> {
    this.refuseUnlessAllowed('change a node of');
    const { core } = clients(this.kc());
    const found = await core.readNode({ name: node });
    if (found.metadata?.annotations?.[KWOK_ANNOTATION] === undefined) {
      throw new UserError(`kubelab cannot change the kubelet of node "${node}" in context "${this.context}"`, { fix: `set --max-pods=${maxPods} on that node's kubelet yourself` });
    }
    const pods = String(maxPods);
    await core.patchNodeStatus({ name: node, body: { status: { capacity: { pods }, allocatable: { pods } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  }

  async rebuildNode(_name: string, node: string): Promise<void> {
    this.refuseUnlessAllowed('rebuild a node of');
    throw new UserError(`kubelab cannot rebuild node "${node}" in context "${this.context}": it does not run that node`, { fix: "restart that node's kubelet yourself" });
  }

  async joinNode(_name: string, _request: JoinRequest): Promise<JoinResult> {
    throw new UserError(`kubelab cannot add a node to context "${this.context}": it does not run that cluster's machines`, { fix: 'run kubeadm join on a machine of yours' });
  }

  async removeNode(_name: string, node: string): Promise<void> {
    throw new UserError(`kubelab cannot remove node "${node}" from context "${this.context}": it does not run that node`, { fix: 'kubectl delete node, and retire the machine yourself' });
  }

  async status(_name: string): Promise<ClusterStatus> {
    const kc = this.kc();
    const api = await apiServerHealth(kc);
    const nodes = api.healthy ? await nodeSummaries(kc) : [];
    return { name: this.context, provider: 'existing', reason: '', running: api.healthy, context: this.context, kubeconfig: this.kubeconfig, components: [api], nodes };
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
}
