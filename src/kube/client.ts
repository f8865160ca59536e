import { KubeConfig, CoreV1Api, AppsV1Api, ApiException } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';

export { ApiException };

export function loadKubeConfig(file: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    throw new UserError(`cannot read kubeconfig ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (context) {
    if (!kc.getContextObject(context)) throw new UserError(`kubeconfig ${file} has no context "${context}"`);
    kc.setCurrentContext(context);
  }
  return kc;
}

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
}

export function clients(kc: KubeConfig): Clients {
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/** The HTTP status of a failed API call, or undefined for other errors. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** The server's message of a failed API call (ApiException keeps it as a JSON string). */
export function messageOf(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      if (body?.message) return `${body.message} (HTTP ${error.code})`;
    } catch {
      // not JSON: fall through
    }
    return `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}
