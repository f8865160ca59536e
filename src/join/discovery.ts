// kubeadm join's token discovery: learn the cluster's CA and API server from the public
// cluster-info ConfigMap, trusting it only once the token's signature and the CA pin agree.
import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { messageOf, statusOf } from '../kube/client.ts';
import { checkPinned } from './ca-pin.ts';
import { kubeConfigFor } from './clients.ts';
import { loopbackServer } from './endpoint.ts';
import { verifyDetachedSignature } from './jws.ts';
import type { BootstrapToken } from './token.ts';

export interface Discovered {
  /** The API server named by cluster-info, checked to be on loopback. */
  server: string;
  /** The cluster CA bundle, pinned by the caller's hash. */
  caPem: string;
}

export interface DiscoveryOptions {
  /** How long to wait for the bootstrapsigner to sign cluster-info for this token. */
  signatureWaitMs?: number;
  /** Called after each step that succeeded, for progress output. */
  onStep?: (message: string) => void;
}

const identity = "couldn't validate the identity of the API Server";

/** What went wrong on the wire, in one line: the API's message, or the socket/TLS error under fetch's "fetch failed". */
export function failureOf(error: unknown): string {
  if (statusOf(error) !== undefined) return messageOf(error);
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const code = (current as { code?: string } | undefined)?.code;
  const message = current instanceof Error ? current.message : String(current);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function readClusterInfo(server: string, caPem: string | undefined): Promise<V1ConfigMap> {
  const core = kubeConfigFor(server, caPem).makeApiClient(CoreV1Api);
  try {
    return await core.readNamespacedConfigMap({ name: 'cluster-info', namespace: 'kube-public' });
  } catch (error) {
    const status = statusOf(error);
    if (status === 404)
      throw new UserError(
        `${identity}: there is no cluster-info ConfigMap in kube-public; this API server is not set up for token bootstrapping`,
        { cause: error },
      );
    if (status === 401 || status === 403)
      throw new UserError(`${identity}: anonymous requests may not read kube-public/cluster-info (${messageOf(error)})`, { cause: error });
    const what = caPem ? 'validate TLS of' : 'reach';
    throw new UserError(`${identity}: cannot ${what} the API server at ${server}: ${failureOf(error)}`, {
      fix: caPem ? 'the server’s certificate is not signed by the pinned CA' : 'is the cluster running? kubelab status shows it',
    });
  }
}

/** Polls cluster-info until it carries this token's signature, as kubeadm does while the bootstrapsigner catches up. */
async function signedClusterInfo(server: string, caPem: string | undefined, tokenId: string, waitMs: number): Promise<V1ConfigMap> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const cm = await readClusterInfo(server, caPem);
    if (cm.data?.[`jws-kubeconfig-${tokenId}`]) return cm;
    if (Date.now() >= deadline) {
      throw new UserError(`${identity}: could not find a JWS signature in the cluster-info ConfigMap for token ID "${tokenId}"`, {
        fix: 'the token is unknown to this cluster or has expired: kubeadm token list shows the valid ones, kubeadm token create makes one',
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The kubeconfig in cluster-info, once its signature by the token is verified. */
function signedKubeconfig(cm: V1ConfigMap, token: BootstrapToken): string {
  const kubeconfig = cm.data?.kubeconfig;
  if (!kubeconfig)
    throw new UserError(
      `${identity}: there is no kubeconfig key in the cluster-info ConfigMap; this API server is not set up for token bootstrapping`,
    );
  const jws = cm.data?.[`jws-kubeconfig-${token.id}`] ?? '';
  if (!verifyDetachedSignature(jws, kubeconfig, token.id, token.secret)) {
    throw new UserError(`${identity}: failed to verify JWS signature of received cluster info object, can't trust this API Server`, {
      fix: 'check the token: its id is known here but the secret (after the dot) does not match',
    });
  }
  return kubeconfig;
}

function clusterOf(kubeconfig: string): { server: string; caPem: string } {
  try {
    const config = parse(kubeconfig) as { clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[] };
    const cluster = config.clusters?.[0]?.cluster;
    if (cluster?.server && cluster['certificate-authority-data']) {
      return { server: cluster.server, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8') };
    }
  } catch {
    // reported below
  }
  throw new UserError(`${identity}: malformed kubeconfig in the cluster-info ConfigMap`);
}

/**
 * Discovery as kubeadm performs it: fetch cluster-info without verifying TLS, check the
 * token's JWS over its kubeconfig, check the CA in it against the pinned hashes, then fetch
 * it again over TLS verified with that CA and require the same kubeconfig.
 */
export async function discover(
  endpoint: string,
  token: BootstrapToken,
  pins: Set<string>,
  options: DiscoveryOptions = {},
): Promise<Discovered> {
  const wait = options.signatureWaitMs ?? 5_000;
  // Reported only once discovery as a whole succeeded, so a refused server yields just the error line.
  const steps: string[] = [];
  const step = (message: string) => steps.push(message);
  const insecure = await signedClusterInfo(endpoint, undefined, token.id, wait);
  const kubeconfig = signedKubeconfig(insecure, token);
  step(`[discovery] cluster-info from ${endpoint} is signed by token "${token.id}"`);
  const cluster = clusterOf(kubeconfig);
  checkPinned(cluster.caPem, pins);
  step('[discovery] the CA in cluster-info has the pinned public key');
  const secure = await signedClusterInfo(endpoint, cluster.caPem, token.id, wait);
  if (signedKubeconfig(secure, token) !== kubeconfig) {
    throw new UserError(
      `${identity}: the second kubeconfig from the cluster-info ConfigMap (using validated TLS) was different from the first`,
    );
  }
  const server = loopbackServer(cluster.server, 'API server named in cluster-info');
  step(`[discovery] TLS to ${endpoint} validates against the pinned CA; using API server ${server}`);
  for (const message of steps) options.onStep?.(message);
  return { server, caPem: cluster.caPem };
}
