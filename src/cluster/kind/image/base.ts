// The node base image: kind's base-image files from the kind module, on kubelab's Debian rootfs.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../../errors.ts';
import { cacheDir } from '../../../paths.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { imagePresent } from '../docker.ts';
import { moduleDir } from './artifacts.ts';
import { digests, KIND_VERSION, recipeDir } from './recipe.ts';
import { lastLine } from './rootfs.ts';

export function baseImage(): string {
  return `kubelab/node-base:${digests.base()}`;
}

/** Docker's build context: kubelab's Dockerfile, kind's files, and the capability filter. */
async function stageContext(dir: string): Promise<void> {
  const kind = await moduleDir(`sigs.k8s.io/kind@${KIND_VERSION}`);
  // Module zips keep no file modes, so the Dockerfile sets them.
  await cp(join(kind, 'images', 'base', 'files'), join(dir, 'files'), { recursive: true });
  await mkdir(join(dir, 'files', 'usr', 'local', 'sbin'), { recursive: true });
  await cp(join(recipeDir, 'runc-capfilter'), join(dir, 'files', 'usr', 'local', 'sbin', 'runc-capfilter'));
  await cp(join(recipeDir, 'Dockerfile'), join(dir, 'Dockerfile'));
}

export async function ensureBase(rootfs: string, progress: Progress): Promise<string> {
  const image = baseImage();
  if (imagePresent(image)) return image;
  progress.step(`node base image: kind ${KIND_VERSION}'s base files on ${rootfs}`);
  const context = join(cacheDir(), 'image-work', `base-${process.pid}`);
  await rm(context, { recursive: true, force: true });
  await mkdir(context, { recursive: true });
  try {
    await stageContext(context);
    const result = await $({ nothrow: true })`docker build --quiet --build-arg ${`ROOTFS=${rootfs}`} -t ${image} ${context}`;
    if (result.exitCode !== 0) throw new UserError(`docker build of the node base image failed: ${lastLine(result.stderr)}`);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return image;
}
