// Starts an availability watcher as a detached process, the way the cluster supervisor is
// started, and waits until it has taken its record over (so a check right after sees it).
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import { statusOf } from '../kube/client.ts';
import { stateDir } from '../paths.ts';
import { fromConfigMap, type AvailabilityRecord, type RecordRef, type WatchTarget } from './record.ts';
import type { WatcherConfig } from './watcher.ts';

const watcherScript = fileURLToPath(new URL('./watcher.ts', import.meta.url));

/** One log per record and API server, under the state directory. */
function logFile(kc: KubeConfig, record: RecordRef): string {
  const server = kc.getCurrentCluster()?.server ?? '';
  const dir = join(stateDir(), 'watchers');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${record.namespace}-${record.name}-${createHash('sha256').update(server).digest('hex').slice(0, 8)}.log`);
}

export async function readRecord(kc: KubeConfig, ref: RecordRef): Promise<AvailabilityRecord | undefined> {
  try {
    return fromConfigMap(await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap(ref));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Launches a watcher for `target` that writes `record` (a ConfigMap in an existing namespace).
 * A watcher already writing that record sees the new owner and exits.
 */
export async function startWatcher(kc: KubeConfig, target: WatchTarget, record: RecordRef, budget: number): Promise<AvailabilityRecord> {
  const owner = randomUUID();
  const config: WatcherConfig = { kubeconfig: kc.exportConfig(), target, record, budget, owner };
  const log = logFile(kc, record);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, [watcherScript], { detached: true, stdio: ['pipe', out, out] });
  closeSync(out);
  child.stdin!.end(JSON.stringify(config));
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const current = await readRecord(kc, record);
      if (current?.owner === owner) return current;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new UserError(`the availability watcher for ${target.namespace}/${target.deployment} did not start`, { fix: `see ${log}` });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.unref();
  }
}
