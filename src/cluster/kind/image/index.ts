// kubelab image build: a kind node image made on this machine, with no container registry.
// Debian packages (mmdebstrap), Go modules and Kubernetes' own C source are the only inputs.
import { ensureBinaries } from '../../../binaries/index.ts';
import { hasGo } from '../../../binaries/build.ts';
import { UserError } from '../../../errors.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { ensureKind } from '../cli.ts';
import { imagePresent, probeDocker } from '../docker.ts';
import { agnhostVersion, buildAgnhost, buildCoreDNS, buildCrictl, buildFlannel, buildPause } from './artifacts.ts';
import { ensureBase } from './base.ts';
import { buildComponentImages, kubeadmImages, removeComponentImages, shortName } from './components.ts';
import { assembleNode } from './node.ts';
import { COMPONENT_PACKAGES, digests, NODE_PACKAGES, nodeImageTag } from './recipe.ts';
import { ensureRootfs } from './rootfs.ts';

export { nodeImageTag };

async function onPath(command: string): Promise<boolean> {
  return (await $({ nothrow: true })`command -v ${command}`).exitCode === 0;
}

/** What the build needs, checked up front so that a missing tool fails in one line, not halfway. */
export async function checkBuildTools(): Promise<void> {
  const docker = probeDocker();
  if (!docker.ok)
    throw new UserError(`kubelab image build needs Docker: ${docker.reason}`, {
      fix: 'install and start Docker (Debian: apt-get install docker.io), then retry',
    });
  if (!(await hasGo()))
    throw new UserError('kubelab image build needs Go 1.26+ to build Kubernetes, CoreDNS, crictl and kind from their modules', {
      fix: 'install Go, then retry',
    });
  if (!(await onPath('mmdebstrap')))
    throw new UserError('kubelab image build needs mmdebstrap to make the Debian root filesystems', {
      fix: 'apt-get install mmdebstrap, then retry',
    });
  if (!(await onPath('gcc')))
    throw new UserError('kubelab image build needs gcc to compile the pause container', {
      fix: 'apt-get install gcc libc6-dev, then retry',
    });
}

/**
 * Removes node images that earlier recipes built, except where a cluster's containers still
 * use them (docker rmi without --force leaves those).
 */
async function removeOlderBuilds(current: string): Promise<void> {
  const out = await $({ nothrow: true })`docker images --format {{.Repository}}:{{.Tag}} kubelab/node`;
  const older = out.stdout.split('\n').filter((ref) => /^kubelab\/node:v[\d.]+-[0-9a-f]{12}$/.test(ref) && ref !== current);
  if (older.length) await $({ nothrow: true })`docker rmi ${older}`;
}

/**
 * Builds the node image unless Docker's store already has it; returns its tag. The tag names
 * this checkout's recipe unless another is given.
 */
export async function buildNodeImage(progress: Progress, tag = nodeImageTag()): Promise<string> {
  if (imagePresent(tag)) {
    progress.done(`node image ${tag} is up to date`);
    return tag;
  }
  await checkBuildTools();
  const started = Date.now();
  // Debian packages download and unpack while Go compiles: the two lanes overlap.
  const debian = (async () => ({
    node: await ensureRootfs('node', NODE_PACKAGES, progress),
    component: await ensureRootfs('component', COMPONENT_PACKAGES, progress),
  }))();
  const go = (async () => {
    const binaries = await ensureBinaries(progress);
    const pauseTag =
      (await kubeadmImages(binaries))
        .find((ref) => shortName(ref) === 'pause')
        ?.split(':')
        .pop() ?? '';
    return {
      binaries,
      coredns: await buildCoreDNS(progress),
      crictl: await buildCrictl(progress),
      agnhost: await buildAgnhost(progress),
      agnhostVersion: await agnhostVersion(),
      flannel: await buildFlannel(progress),
      pause: await buildPause(pauseTag, progress),
      kind: await ensureKind(progress),
    };
  })();
  const [rootfs, built] = await Promise.all([debian, go]);
  const base = await ensureBase(rootfs.node, progress);
  const buildTag = digests.node();
  const images = await buildComponentImages({ ...built, rootfs: rootfs.component }, buildTag, progress);
  try {
    await assembleNode({ base, binaries: built.binaries, crictl: built.crictl, images }, tag, progress);
  } finally {
    await removeComponentImages(images, buildTag);
  }
  progress.done(`built node image ${tag} in ${Math.round((Date.now() - started) / 1000)} s`);
  if (tag === nodeImageTag()) await removeOlderBuilds(tag);
  return tag;
}
