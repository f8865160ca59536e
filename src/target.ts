// One way to name the cluster a command works on, for the CLI, the lab session, the bridge and
// the site's data loaders: a kubelab cluster by name (and provider), or any kubeconfig context.
import { chooseProvider } from './cluster/providers.ts';
import type { ClusterAccess, Provider } from './cluster/provider.ts';
import { UserError } from './errors.ts';

export interface ClusterTarget {
  /** A kubelab cluster's name; default $KUBELAB_CLUSTER, else kubelab. */
  name?: string;
  /** auto, local, kind or existing. */
  provider?: string;
  /** A kubeconfig context kubelab did not create. */
  context?: string;
  /** The user's permission to change that context's cluster. */
  yes?: boolean;
  /** The kind node image for a new cluster. */
  image?: string;
}

export interface ResolvedTarget {
  provider: Provider;
  /** Why this provider, for kubelab status. */
  reason: string;
  access: ClusterAccess;
  /** False for a context kubelab did not create. */
  createdByKubelab: boolean;
}

/** What the command does: reads it, changes it, or may create it. */
export type Purpose = 'read' | 'write' | 'create';

export function targetName(target: ClusterTarget): string {
  return target.name ?? process.env.KUBELAB_CLUSTER ?? 'kubelab';
}

/**
 * The cluster a command works on. A context kubelab did not create is read-only unless the
 * user says yes; a kubelab cluster must exist unless the command may create it.
 */
export function resolveTarget(target: ClusterTarget, purpose: Purpose): ResolvedTarget {
  const name = targetName(target);
  if (target.context && purpose !== 'read' && !target.yes) {
    throw new UserError(`refusing to change context "${target.context}": kubelab did not create it`, {
      fix: `add --yes if you mean it (--context ${target.context} --yes)`,
    });
  }
  const { provider, reason } = chooseProvider(target.provider, { name, context: target.context, yes: target.yes, image: target.image });
  const createdByKubelab = !target.context;
  if (createdByKubelab && purpose !== 'create' && !provider.shapeOf(name)) {
    throw new UserError(`no cluster named "${name}"`, { fix: `create it with: kubelab up --name ${name} (or kubelab start <lab>)` });
  }
  return { provider, reason, access: provider.access(name), createdByKubelab };
}
