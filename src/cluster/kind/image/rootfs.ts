// Debian root filesystems as Docker images, made from Debian's own packages with mmdebstrap:
// no registry is involved, only the Debian archive.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../../errors.ts';
import { cacheDir } from '../../../paths.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { imagePresent } from '../docker.ts';
import { DEBIAN_SUITE, digests } from './recipe.ts';

/** The archive to install from; a local mirror can stand in for it. */
export function debianMirror(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBELAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

/** mmdebstrap's arguments for a minimal rootfs with these packages, written as a tarball. */
export function mmdebstrapArgs(packages: string[], output: string, mirror = debianMirror()): string[] {
  const security = mirror.replace(/\/debian\/?$/, '/debian-security');
  return [
    '--quiet',
    '--variant=minbase',
    `--include=${packages.join(',')}`,
    // Documentation and translations are a third of the size and nothing in a node reads them.
    '--dpkgopt=path-exclude=/usr/share/man/*',
    '--dpkgopt=path-exclude=/usr/share/doc/*',
    '--dpkgopt=path-exclude=/usr/share/locale/*',
    DEBIAN_SUITE,
    output,
    `deb ${mirror} ${DEBIAN_SUITE} main`,
    `deb ${mirror} ${DEBIAN_SUITE}-updates main`,
    `deb ${security} ${DEBIAN_SUITE}-security main`,
  ];
}

export function rootfsImage(role: string, packages: string[]): string {
  return `kubelab/rootfs:${role}-${DEBIAN_SUITE}-${digests.rootfs(packages)}`;
}

/**
 * The rootfs image for these packages, made once. The tarball is imported only after
 * mmdebstrap has finished, so an interrupted run never leaves a tagged, half-made image.
 */
export async function ensureRootfs(role: string, packages: string[], progress: Progress): Promise<string> {
  const image = rootfsImage(role, packages);
  if (imagePresent(image)) return image;
  const work = join(cacheDir(), 'image-work', `${role}-${process.pid}`);
  await mkdir(work, { recursive: true });
  const tarball = join(work, 'rootfs.tar');
  const started = Date.now();
  progress.step(`Debian ${DEBIAN_SUITE} rootfs for ${role} images: mmdebstrap ${packages.length} packages from ${debianMirror()}`);
  try {
    const result = await $({ nothrow: true })`mmdebstrap ${mmdebstrapArgs(packages, tarball)}`;
    if (result.exitCode !== 0) {
      throw new UserError(`mmdebstrap of the ${role} rootfs failed: ${lastLine(result.stderr)}`, {
        fix: `check that ${debianMirror()} is reachable (or set KUBELAB_DEBIAN_MIRROR), then run kubelab image build again`,
      });
    }
    await $`docker import --change ${'CMD ["/bin/bash"]'} ${tarball} ${image}`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  progress.done(`${role} rootfs in ${Math.round((Date.now() - started) / 1000)} s → ${image}`);
  return image;
}

export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? 'no output'
  );
}
