import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from '../exec.ts';
import { UserError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { buildFromSource, hasGo, sourceBuildKey } from './build.ts';
import { defaultSources, downloadReleases } from './download.ts';
import { components, KWOK_STAGES, versions, type Component } from './versions.ts';

export { components, versions, type Component };

export interface Binaries {
  dir: string;
  path(component: Component): string;
  /** kwok's Stage definitions: standalone kwok does nothing without them. */
  kwokStages: string;
}

function binariesIn(dir: string): Binaries {
  const kwokStages = join(dir, KWOK_STAGES);
  if (!existsSync(kwokStages)) {
    throw new UserError(`${dir} has no ${KWOK_STAGES} (kwok's default stages)`, {
      fix: 'let kubelab build the binaries with Go (they come from the kwok module), or copy the file there',
    });
  }
  return { dir, path: (component) => join(dir, component), kwokStages };
}

function complete(dir: string): boolean {
  return [...components, KWOK_STAGES, 'verified.json'].every((file) => existsSync(join(dir, file)));
}

/**
 * The upstream binaries, from (in order) $KUBELAB_BIN_DIR, the cache, a Go build
 * or the official releases. Builds and downloads happen once per version.
 */
export async function ensureBinaries(progress: Progress = silentProgress): Promise<Binaries> {
  const override = process.env.KUBELAB_BIN_DIR;
  if (override) {
    await verifyVersions(override);
    return binariesIn(override);
  }
  const built = join(cacheDir(), sourceBuildKey(), 'bin');
  const released = join(cacheDir(), `${versions.kubernetes}-release`, 'bin');
  for (const dir of [built, released]) if (complete(dir)) return binariesIn(dir);

  if (await hasGo()) {
    await buildFromSource(built, progress);
    await verifyVersions(built);
    return binariesIn(built);
  }
  try {
    progress.step(`Go is not installed: downloading official ${versions.kubernetes} release binaries (SHA-256 verified)`);
    await downloadReleases(released, defaultSources(), progress);
  } catch (error) {
    throw new UserError(
      `cannot get the upstream Kubernetes binaries: Go is not installed and the download failed (${(error as Error).message})`,
      {
        fix: 'install Go 1.26+ so kubelab can build them, or set KUBELAB_BIN_DIR to a directory holding kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm, kubectl, etcd, etcdctl, etcdutl, kwok and kwokctl',
      },
    );
  }
  await verifyVersions(released);
  return binariesIn(released);
}

/** Each binary must report the pinned version; records the result so later runs skip the check. */
export async function verifyVersions(dir: string): Promise<void> {
  const stamp = join(dir, 'verified.json');
  if (existsSync(stamp) && JSON.parse(await readFile(stamp, 'utf8')).kubernetes === versions.kubernetes) return;
  const expected: Record<Component, [string[], string]> = {
    'kube-apiserver': [['--version'], versions.kubernetes],
    'kube-controller-manager': [['--version'], versions.kubernetes],
    'kube-scheduler': [['--version'], versions.kubernetes],
    kubeadm: [['version', '-o', 'short'], versions.kubernetes],
    kubectl: [['version', '--client'], versions.kubernetes],
    etcd: [['--version'], versions.etcd.replace(/^v/, '')],
    etcdctl: [['version'], versions.etcd.replace(/^v/, '')],
    etcdutl: [['version'], versions.etcd.replace(/^v/, '')],
    kwok: [['--version'], versions.kwok.replace(/^v/, '')],
    kwokctl: [['--version'], versions.kwok.replace(/^v/, '')],
  };
  const missing = components.filter((c) => !existsSync(join(dir, c)));
  if (missing.length) {
    throw new UserError(`${dir} lacks ${missing.join(', ')}`, {
      fix: 'give KUBELAB_BIN_DIR a directory with every component, or unset it so kubelab builds them',
    });
  }
  for (const component of components) {
    const file = join(dir, component);
    const [args, version] = expected[component];
    let output: string;
    try {
      output = (await $({ quiet: true, nothrow: true, timeout: '20s' })`${file} ${args}`).toString();
    } catch (error) {
      throw new UserError(`cannot run ${file}: ${(error as Error).message.split('\n')[0]}`, {
        cause: error,
        fix: 'rebuild it: delete that directory and run kubelab up again',
      });
    }
    if (!output.includes(version)) {
      throw new UserError(`${file} is not ${component} ${version} (it says: ${output.trim().split('\n')[0] ?? 'nothing'})`, {
        fix: `remove ${dir} (or unset KUBELAB_BIN_DIR) so kubelab fetches the pinned version`,
      });
    }
  }
  if (!process.env.KUBELAB_BIN_DIR || dir !== process.env.KUBELAB_BIN_DIR) {
    await writeFile(stamp, JSON.stringify({ ...versions, verifiedAt: new Date().toISOString() }, null, 2));
  }
}
