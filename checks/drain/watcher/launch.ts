// Starts an availability watcher as a detached process, the way the cluster supervisor is
// started, and waits until it has taken its record over (so a check right after sees it).
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { ignoreNotFound, pollUntil, stateDir, UserError } from '../../../src/engine/sdk.ts';
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
  return fromConfigMap(await ignoreNotFound(kc.makeApiClient(CoreV1Api).readNamespacedConfigMap(ref)));
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
  const what = `the availability watcher for ${target.namespace}/${target.deployment}`;
  // A watcher that dies at once is reported at once, not when the wait times out.
  let onExit: (code: number | null) => void = () => {};
  const exited = new Promise<never>((_, reject) => {
    onExit = (code) => reject(new UserError(`${what} exited (code ${code}) before it took its record over`, { fix: `see ${log}` }));
  });
  child.once('exit', onExit);
  const tookOver = pollUntil<AvailabilityRecord>(
    async () => {
      const current = await readRecord(kc, record);
      return current?.owner === owner
        ? { value: current }
        : { state: current ? `record owned by watcher ${current.owner.slice(0, 8)}` : 'no record yet' };
    },
    {
      timeoutMs: 20_000,
      intervalMs: 100,
      describe: `${what} to take its record ${record.namespace}/${record.name} over`,
      fix: `see ${log}`,
    },
  );
  try {
    return await Promise.race([tookOver, exited]);
  } finally {
    child.off('exit', onExit);
    child.unref();
  }
}
