// What the API server says it serves, read the way kubectl api-versions and kubectl api-resources
// read it: from the discovery endpoints, so answers are judged against whatever release runs.
import { ApisApi, CoreApi, CoreV1Api, CustomObjectsApi, type V1APIResourceList } from '@kubernetes/client-node';
import type { CheckContext } from '../../src/engine/sdk.ts';

/** Every group/version the API server serves, as `kubectl api-versions` lists them. */
export async function servedVersions(ctx: CheckContext): Promise<Set<string>> {
  const core = await ctx.kc.makeApiClient(CoreApi).getAPIVersions();
  const groups = await ctx.kc.makeApiClient(ApisApi).getAPIVersions();
  return new Set([...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))]);
}

/** Whether a served group/version has a resource of this kind (a row of `kubectl api-resources`). */
export async function servesKind(ctx: CheckContext, groupVersion: string, kind: string): Promise<boolean> {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  const list: V1APIResourceList = group
    ? await ctx.kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version: version! })
    : await ctx.kc.makeApiClient(CoreV1Api).getAPIResources();
  return list.resources.some((r) => r.kind === kind && !r.name.includes('/'));
}
