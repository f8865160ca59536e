import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where built or downloaded upstream binaries are kept, keyed by version. */
export function cacheDir(): string {
  return process.env.KUBELAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubelab');
}

/** Where each cluster's state directory lives. */
export function stateDir(): string {
  return process.env.KUBELAB_HOME ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'kubelab');
}

export function clusterDir(name: string): string {
  return join(stateDir(), 'clusters', name);
}
