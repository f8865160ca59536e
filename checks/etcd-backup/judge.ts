// How a restore is judged, as pure functions of API objects, so the unit tests need no cluster.
// Each verdict says what is wrong, never what to type.
import type { V1Pod } from '@kubernetes/client-node';

/** The directory on the machine that etcd keeps its data in: the hostPath mounted where --data-dir points. */
export function etcdHostDataDir(pod: V1Pod | undefined): string | undefined {
  const container = pod?.spec?.containers?.[0];
  const args = [...(container?.command ?? []), ...(container?.args ?? [])];
  const dataDir = args.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
  if (!dataDir) return undefined;
  // The mount closest to the data directory decides where on the machine it lives.
  const mount = (container?.volumeMounts ?? [])
    .filter((m) => dataDir === m.mountPath || dataDir.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const hostPath = pod?.spec?.volumes?.find((v) => v.name === mount?.name)?.hostPath?.path;
  if (!mount || !hostPath) return undefined;
  return `${hostPath.replace(/\/$/, '')}${dataDir.slice(mount.mountPath.replace(/\/$/, '').length)}`;
}

export interface Uids {
  namespace: string;
  configMaps: Record<string, string>;
}

/** What is missing or was made anew (another uid) among the objects the lab recorded; empty when all are back. */
export function restoreProblems(
  recorded: Uids,
  now: { namespace?: string; configMaps: Record<string, string | undefined> },
  ns: string,
): string[] {
  if (!now.namespace) return [`namespace ${ns} is missing`];
  if (now.namespace !== recorded.namespace) return [`namespace ${ns} is a new one (another uid), not the one that was lost`];
  return Object.entries(recorded.configMaps).flatMap(([name, uid]) => {
    const current = now.configMaps[name];
    if (!current) return [`ConfigMap ${ns}/${name} is missing`];
    return current === uid ? [] : [`ConfigMap ${ns}/${name} is a new one (another uid)`];
  });
}
