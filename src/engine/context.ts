import { spawn } from 'node:child_process';
import { AppsV1Api, CoreApi, CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { ensureBinaries } from '../binaries/index.ts';
import { chooseProvider } from '../cluster/providers.ts';
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
 * The node operations of the provider that created this cluster. A context kubelab did not
 * create (same name, other kubeconfig or context) gets none, so no lab can reach into it.
 */
export function nodeOperations(access: ClusterAccess, providerFlag?: string): NodeOperations | undefined {
  const { provider } = chooseProvider(providerFlag, { name: access.name });
  if (!provider.shapeOf(access.name)) return undefined;
  const own = provider.access(access.name);
  if (own.kubeconfig !== access.kubeconfig || own.context !== access.context) return undefined;
  return {
    setMaxPods: (node, maxPods) => provider.setMaxPods(access.name, node, maxPods),
    rebuild: (node) => provider.rebuildNode(access.name, node),
    join: async (node, token, caCertHashes) => {
      await provider.joinNode(access.name, { nodeName: node, token, caCertHashes });
    },
    remove: (node) => provider.removeNode(access.name, node),
  };
}

export async function adminContext(access: ClusterAccess, providerFlag?: string): Promise<LabContext> {
  const kc = loadKubeConfig(access.kubeconfig, access.context);
  await requireReachable(kc, access);
  const kubectlPath = (await ensureBinaries()).path('kubectl');
  const kubectl = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(kubectlPath, ['--kubeconfig', access.kubeconfig, '--context', access.context, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new UserError(`kubectl ${args.join(' ')} failed: ${stderr.trim().split('\n').pop()}`))));
      child.stdin.end(input ?? '');
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
    nodes: nodeOperations(access, providerFlag),
  };
}
