import { AppsV1Api, CoreApi, CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { ensureBinaries } from '../binaries/index.ts';
import { setMaxPods } from '../cluster/lifecycle.ts';
import { exec } from '../exec.ts';
import type { ResolvedTarget } from '../target.ts';
import type { ClusterAccess } from '../cluster/provider.ts';
import { UserError } from '../errors.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { checkerKubeConfig } from './identity.ts';
import type { CheckContext, LabContext, NodeOperations } from './model.ts';

/** Fails with one line naming the context and how to start it when the API server does not answer. */
export async function requireReachable(kc: KubeConfig, access: ClusterAccess): Promise<void> {
  try {
    await kc.makeApiClient(CoreApi).getAPIVersions();
  } catch (error) {
    throw new UserError(`the cluster of context "${access.context}" is unreachable (${(error as Error).message.split('\n')[0]})`, {
      fix: `start it with: kubelab up --name ${access.name}`,
    });
  }
}

export function checkContext(kc: KubeConfig): CheckContext {
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), objects: KubernetesObjectApi.makeApiClient(kc) };
}

/** Checks with the kubeconfig's own credentials, for clusters where kubelab may create nothing. */
export async function userContext(access: ClusterAccess): Promise<CheckContext> {
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(kc, access);
  return checkContext(kc);
}

/** The read-only context checks run in. */
export async function readOnlyContext(access: ClusterAccess): Promise<CheckContext> {
  const admin = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(admin, access);
  return checkContext(await checkerKubeConfig(admin));
}

/**
 * The node operations of the provider that runs this cluster. A context kubelab did not create
 * gets none, so no lab can reach into its machines.
 */
export function nodeOperations(target: ResolvedTarget): NodeOperations | undefined {
  if (!target.createdByKubelab) return undefined;
  const { provider, access } = target;
  return {
    setMaxPods: (node, maxPods) => setMaxPods(provider, access.name, node, maxPods),
    rebuild: (node) => provider.nodes.rebuild(access.name, node),
    join: async (node, token, caCertHashes) => {
      await provider.nodes.join(access.name, { nodeName: node, token, caCertHashes });
    },
    remove: (node) => provider.nodes.remove(access.name, node),
    kubeletConfig: (node) => provider.nodes.kubeletConfig(access.name, node),
    restartKubelet: (node) => provider.nodes.restartKubelet(access.name, node),
    run: async (node, script) => {
      const shell = provider.nodes.shell(access.name, node);
      // A node whose files are this machine's has no machine of its own to change.
      if (shell.here || !provider.capabilities.includes('machines'))
        throw new UserError(`${node} is no machine of its own on the ${provider.name} provider`, { fix: 'use --provider kind' });
      return exec(`a script on ${node}`, 'sh', ['-c', shell.run(script)]);
    },
  };
}

export async function adminContext(target: ResolvedTarget): Promise<LabContext> {
  const { access } = target;
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(kc, access);
  const kubectlPath = (await ensureBinaries()).path('kubectl');
  const kubectl = (args: string[], input?: string) =>
    exec(`kubectl ${args.join(' ')}`, kubectlPath, ['--kubeconfig', access.kubeconfig, '--context', access.context, ...args], {
      input: input ?? '',
    });
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
    kubectl,
    // Client-side apply, as a learner types it: it records last-applied-configuration, which checks read.
    apply: async (yaml) => {
      await kubectl(['apply', '-f', '-'], yaml);
    },
    nodes: nodeOperations(target),
  };
}
