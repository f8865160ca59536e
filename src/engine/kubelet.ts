// What a node's kubelet runs with, as the API server lets a reader see it: a real kubelet serves
// its configuration at /configz (GET nodes/<node>/proxy/configz); a node kwok plays shows the
// configuration kubelab's stand-in kubelet started with in an annotation of the same shape.
import type { V1Node } from '@kubernetes/client-node';
import { CONFIGZ_ANNOTATION, KWOK_ANNOTATION } from '../cluster/nodes.ts';
import type { CheckContext } from './model.ts';

export interface KubeletConfigz {
  maxPods?: number;
  [field: string]: unknown;
}

async function fromProxy(ctx: CheckContext, node: string): Promise<KubeletConfigz | undefined> {
  // The generated client parses a JSON answer although its type says string.
  const body: unknown = await ctx.core.connectGetNodeProxyWithPath({ name: node, path: 'configz' });
  const configz = (typeof body === 'string' ? JSON.parse(body) : body) as { kubeletconfig?: KubeletConfigz };
  return configz.kubeletconfig;
}

/** The configuration the node's kubelet is running with, or undefined when it cannot be read. */
export async function kubeletConfigz(ctx: CheckContext, node: V1Node): Promise<KubeletConfigz | undefined> {
  const annotations = node.metadata?.annotations ?? {};
  if (annotations[KWOK_ANNOTATION] !== undefined) {
    const text = annotations[CONFIGZ_ANNOTATION];
    return text ? (JSON.parse(text) as { kubeletconfig?: KubeletConfigz }).kubeletconfig : undefined;
  }
  return fromProxy(ctx, node.metadata?.name ?? '').catch(() => undefined);
}
