// The node image: the base image plus the Kubernetes binaries, crictl, the CNI manifest, and
// every component image already inside the node's containerd, committed from a build container.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiCallBinary } from '../../../binaries/build.ts';
import type { Binaries } from '../../../binaries/index.ts';
import { versions } from '../../../binaries/versions.ts';
import { UserError } from '../../../errors.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { docker, dockerOk, execIn } from '../docker.ts';
import type { ComponentImage } from './components.ts';
import { upstreamFlannelManifest } from './artifacts.ts';
import { FLANNEL_MANIFEST, flannelManifest } from './flannel.ts';
import { flannelImage, flannelVersion, NET_IMAGE, recipeDir } from './recipe.ts';

const BUILDER_LABEL = 'dev.kubelab.node-build';
const CONTAINERD_CONFIG = '/etc/containerd/config.toml';

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text))
    throw new UserError(`kind's ${CONTAINERD_CONFIG} has no ${what}: the pinned kind release changed it`, {
      fix: 'update src/cluster/kind/image/node.ts for it',
    });
  return text.replace(pattern, replacement);
}

/**
 * kind's containerd config, adapted: the sandbox image is the pause kubeadm deploys (it is
 * pre-loaded, so nothing is pulled); runc runs behind the capability filter, and containerd
 * does not lower oom_score_adj below its own, because on hosts whose bounding set lacks
 * CAP_SYS_RESOURCE the kubelet's -998 for critical pods makes runc fail. Both are no-ops on a
 * host with every capability.
 */
export function containerdConfig(kindConfig: string, pause: string): string {
  let config = replaceOnce(kindConfig, /sandbox_image = "[^"]*"/, `sandbox_image = "${pause}"`, 'sandbox_image');
  config = replaceOnce(config, /restrict_oom_score_adj = false/, 'restrict_oom_score_adj = true', 'restrict_oom_score_adj');
  return replaceOnce(
    config,
    /(\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\]\n)/,
    '$1    BinaryName = "/usr/local/sbin/runc-capfilter"\n',
    'runc options table',
  );
}

/** The CNI manifest with the net image's name. */
export async function cniManifest(): Promise<string> {
  const manifest = await readFile(join(recipeDir, 'default-cni.yaml'), 'utf8');
  return replaceOnce(manifest, /kubelab\.local\/net:KUBERNETES_VERSION/, NET_IMAGE, 'net image placeholder');
}

/** Build containers left by an interrupted build (their process is gone). */
async function removeStaleBuilders(): Promise<void> {
  const out = await dockerOk(
    ['ps', '-a', '--filter', `label=${BUILDER_LABEL}`, '--format', `{{.Names}}\t{{.Label "${BUILDER_LABEL}"}}`],
    'listing node build containers',
  );
  for (const line of out.split('\n').filter(Boolean)) {
    const [name = '', pid = ''] = line.split('\t');
    if (!processAlive(Number(pid))) await docker(['rm', '-f', '-v', name]);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface NodeInputs {
  base: string;
  binaries: Binaries;
  crictl: string;
  images: ComponentImage[];
}

export async function assembleNode(inputs: NodeInputs, tag: string, progress: Progress): Promise<void> {
  await removeStaleBuilders();
  const builder = `kubelab-node-build-${process.pid}`;
  progress.step(`node image: binaries, CNI manifest and ${inputs.images.length} images into ${inputs.base}`);
  // No /var volume, unlike a running node: containerd's store under /var goes into the image.
  await dockerOk(
    [
      'run',
      '-d',
      '--name',
      builder,
      '--label',
      `${BUILDER_LABEL}=${process.pid}`,
      '--privileged',
      '--entrypoint',
      'sleep',
      inputs.base,
      'infinity',
    ],
    'starting the node build container',
  );
  try {
    await dockerOk(
      ['cp', join(inputs.binaries.dir, multiCallBinary), `${builder}:/usr/bin/${multiCallBinary}`],
      'copying the Kubernetes binaries',
    );
    await dockerOk(['cp', inputs.crictl, `${builder}:/usr/local/bin/crictl`], 'copying crictl');
    const config = await execIn(builder, ['cat', CONTAINERD_CONFIG], 'reading the containerd config');
    const pause = inputs.images.find((i) => /\/pause:/.test(i.ref))?.ref ?? '';
    await execIn(
      builder,
      ['sh', '-c', 'cat > "$1"', 'sh', CONTAINERD_CONFIG],
      'writing the containerd config',
      containerdConfig(config, pause),
    );
    await execIn(builder, ['sh', '-c', 'cat > /kind/manifests/default-cni.yaml'], 'writing the CNI manifest', await cniManifest());
    const flannel = flannelManifest(await upstreamFlannelManifest(), flannelImage(), flannelVersion());
    await execIn(builder, ['sh', '-c', `cat > ${FLANNEL_MANIFEST}`], 'writing the flannel manifest', flannel);
    await execIn(
      builder,
      [
        'sh',
        '-euc',
        `for c in kubelet kubeadm kubectl etcdctl etcdutl; do ln -sf ${multiCallBinary} /usr/bin/$c; done; echo ${versions.kubernetes} > /kind/version; kubelet --version; kubeadm version -o short`,
      ],
      'linking kubelet, kubeadm, kubectl, etcdctl and etcdutl',
    );
    await loadImages(builder, inputs.images);
    progress.update('committing the node image');
    await dockerOk(
      [
        'commit',
        '--change',
        'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
        '--change',
        'CMD []',
        '--change',
        `LABEL dev.kubelab.node=${tag}`,
        builder,
        tag,
      ],
      'committing the node image',
    );
  } finally {
    await docker(['rm', '-f', '-v', builder]);
  }
}

/** Imports the images into the build container's containerd (namespace k8s.io, the kubelet's) under their cluster names. */
async function loadImages(builder: string, images: ComponentImage[]): Promise<void> {
  await execIn(
    builder,
    [
      'sh',
      '-c',
      'containerd >/var/log/containerd-build.log 2>&1 & for i in $(seq 50); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1',
    ],
    'starting containerd in the build container',
  );
  const imported = await $({ nothrow: true })`docker save ${images.map((i) => i.local)}`.pipe(
    $({ nothrow: true })`docker exec -i ${builder} ctr -n k8s.io images import --no-unpack -`,
  );
  if (imported.exitCode !== 0)
    throw new UserError(`importing the component images into the node failed: ${imported.stderr.trim().split('\n').pop()}`);
  for (const image of images) {
    const saved = `docker.io/${image.local}`;
    await execIn(builder, ['ctr', '-n', 'k8s.io', 'images', 'tag', '--force', saved, image.ref], `naming ${image.ref}`);
    await execIn(builder, ['ctr', '-n', 'k8s.io', 'images', 'rm', saved], `removing ${saved}`);
  }
  const listed = (await execIn(builder, ['ctr', '-n', 'k8s.io', 'images', 'ls', '-q'], "listing the node's images")).split('\n');
  const missing = images.filter((i) => !listed.includes(i.ref));
  if (missing.length) throw new UserError(`the node's containerd lacks ${missing.map((i) => i.ref).join(', ')} after the import`);
  // Stop containerd cleanly so its store is consistent in the committed image. Nothing in the
  // build container reaps it (its PID 1 is sleep), so a stopped containerd stays a zombie.
  const stop = 'pkill -x containerd; for i in $(seq 100); do ps -C containerd -o stat= | grep -qv Z || exit 0; sleep 0.2; done; exit 1';
  await execIn(builder, ['sh', '-c', stop], 'stopping containerd in the build container');
  await execIn(builder, ['rm', '-f', '/var/log/containerd-build.log'], 'cleaning up');
}
