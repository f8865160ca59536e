// The bridge's only way to the cluster. Every call goes through forward(), which counts it:
// the security tests read that count to prove refused requests reached nothing.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResource,
} from '@kubernetes/client-node';
import { resolveTarget, type ClusterTarget as Target } from '../target.ts';
import { UserError } from '../errors.ts';
import { messageOf, statusOf, loadKubeConfig } from '../kube/client.ts';
import { getExercises, getLab } from '../engine/registry.ts';
import { checkLab } from '../engine/session.ts';
import type { CheckResult } from '../engine/run.ts';
import type { Lab } from '../engine/model.ts';
import { HttpError } from './http.ts';
import { limits, withinTime } from './limits.ts';
import type { ObjectRef, Selection } from './params.ts';

/** The cluster the labs run on (see src/target.ts), named: the bridge answers for that one. */
export interface ClusterTarget extends Target {
  name: string;
  /** Another kubeconfig for the same cluster (tests route it through a counting proxy). */
  kubeconfig?: string;
}

export interface Listing {
  items: KubernetesObject[];
  resourceVersion: string;
}

interface Resource {
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

/** Drops what no cell shows and every object carries: the server's field ownership records. */
export function clean<T extends KubernetesObject>(object: T, apiVersion?: string, kind?: string): T {
  const { managedFields: _dropped, ...metadata } = object.metadata ?? {};
  return { ...object, apiVersion: object.apiVersion ?? apiVersion, kind: object.kind ?? kind, metadata };
}

export class Cluster {
  readonly target: ClusterTarget;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly discovery = new Map<string, Promise<V1APIResource[]>>();
  private calls = 0;

  constructor(target: ClusterTarget) {
    this.target = target;
    const { access } = resolveTarget(target, 'create');
    this.kc = loadKubeConfig(target.kubeconfig ?? access.kubeconfig, target.kubeconfig ? undefined : access.context);
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(this.kc);
  }

  /** How many calls the bridge has made to the cluster. */
  get forwarded(): number {
    return this.calls;
  }

  /** Counts and runs one call to the cluster, turning its failures into HTTP answers. */
  async forward<T>(what: string, call: () => Promise<T>, timeoutMs = limits.clusterTimeoutMs): Promise<T> {
    this.calls++;
    try {
      return await withinTime(call(), timeoutMs, what);
    } catch (error) {
      throw this.httpError(error);
    }
  }

  httpError(error: unknown): HttpError {
    if (error instanceof HttpError) return error;
    const status = statusOf(error) ?? (error as { statusCode?: number })?.statusCode;
    if (status && status >= 400 && status < 600) return new HttpError(status === 401 ? 502 : status, messageOf(error));
    return new HttpError(503, `the lab cluster "${this.target.name}" is not answering — start it with: npx kubelab serve`);
  }

  async reachable(): Promise<{ reachable: boolean; message?: string }> {
    try {
      await this.forward('the API server', () => this.core.getAPIResources(), 5_000);
      return { reachable: true };
    } catch (error) {
      return { reachable: false, message: (error as Error).message };
    }
  }

  /** The resource behind an apiVersion and kind, from discovery (cached per group/version). */
  async resource(apiVersion: string, kind: string): Promise<Resource> {
    let list = this.discovery.get(apiVersion);
    if (!list) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      list = this.forward(`discovery of ${apiVersion}`, async () =>
        group
          ? (await this.kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version: version! })).resources
          : (await this.core.getAPIResources()).resources,
      );
      this.discovery.set(apiVersion, list);
      list.catch(() => this.discovery.delete(apiVersion));
    }
    const found = (await list).find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw new HttpError(404, `${apiVersion} serves no kind ${kind}`);
    return { plural: found.name, namespaced: found.namespaced, verbs: found.verbs };
  }

  async list(s: Selection): Promise<Listing> {
    const resource = await this.resource(s.apiVersion, s.kind);
    if (!resource.verbs.includes('list')) throw new HttpError(405, `${s.kind} cannot be listed`);
    const namespace = resource.namespaced ? s.namespace : undefined;
    const list = await this.forward(`listing ${s.kind}`, () =>
      this.objects.list(s.apiVersion, s.kind, namespace, undefined, undefined, undefined, undefined, s.labelSelector),
    );
    return { items: list.items.map((o) => clean(o, s.apiVersion, s.kind)), resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** One object, or null when the kind exists but no object has that name. */
  async get(ref: ObjectRef): Promise<KubernetesObject | null> {
    const resource = await this.resource(ref.apiVersion, ref.kind);
    if (resource.namespaced && !ref.namespace) throw new HttpError(400, `${ref.kind} is namespaced: give a namespace`);
    const metadata = { name: ref.name, ...(resource.namespaced ? { namespace: ref.namespace } : {}) };
    try {
      return clean(
        await this.forward(`reading ${ref.kind} ${ref.name}`, () =>
          this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata }),
        ),
      );
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** The collection URL a watch of this selection uses. */
  async collectionPath(s: Selection): Promise<string> {
    const resource = await this.resource(s.apiVersion, s.kind);
    if (!resource.verbs.includes('watch')) throw new HttpError(405, `${s.kind} cannot be watched`);
    const base = s.apiVersion.includes('/') ? `/apis/${s.apiVersion}` : `/api/${s.apiVersion}`;
    return resource.namespaced && s.namespace ? `${base}/namespaces/${s.namespace}/${resource.plural}` : `${base}/${resource.plural}`;
  }

  /** Starts one watch at the API server; done() is called once when it ends, for any reason. */
  async watch(
    path: string,
    query: Record<string, string | boolean | undefined>,
    onEvent: (type: string, object: KubernetesObject) => void,
    done: (error: unknown) => void,
  ): Promise<AbortController> {
    this.calls++;
    return new Watch(this.kc).watch(path, query, onEvent, done);
  }

  /** Actions change the cluster: not one kubelab did not create, unless the user said --yes. */
  assertWritable(): void {
    if (this.target.context && !this.target.yes)
      throw new HttpError(
        403,
        `refusing to change context "${this.target.context}": kubelab did not create it (start kubelab serve with --yes to allow it)`,
      );
  }

  /** Runs a lab's checks (or one exercise's) as `kubelab check` does, with the read-only checker identity. */
  async check(labId: string, exerciseId: string | undefined, timeoutMs: number | undefined): Promise<CheckResult[]> {
    let lab: Lab;
    try {
      lab = getLab(labId);
      getExercises(lab, exerciseId);
    } catch (error) {
      throw new HttpError(404, error instanceof UserError ? error.message : String(error));
    }
    return this.forward(
      `the checks of ${labId}`,
      () =>
        checkLab(
          lab,
          exerciseId,
          { name: this.target.name, provider: this.target.provider, context: this.target.context },
          timeoutMs === undefined ? {} : { timeoutMs },
        ),
      limits.checkTimeoutMs,
    );
  }
}
