// The container images a kubeadm cluster runs (control plane, kube-proxy, CoreDNS, pause), the
// CNI daemon and the labs' workload, built locally. In Docker they carry kubelab/ names, so a
// machine's own registry.k8s.io images are never shadowed; inside the node's containerd they
// get the exact names kubeadm and the manifests ask for, so the kubelet never pulls.
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Binaries } from '../../../binaries/index.ts';
import { multiCallBinary } from '../../../binaries/build.ts';
import { versions } from '../../../binaries/versions.ts';
import { UserError } from '../../../errors.ts';
import { cacheDir } from '../../../paths.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { corednsDir, flannelImage, NET_IMAGE } from './recipe.ts';
import { WORKLOAD_IMAGE } from '../../workload.ts';
import { lastLine } from './rootfs.ts';

/** An image as built in Docker (local) and as the cluster names it (ref). */
export interface ComponentImage {
  local: string;
  ref: string;
}

/** The programs the images are made of. */
export interface ImageInputs {
  binaries: Binaries;
  coredns: string;
  pause: string;
  agnhost: string;
  agnhostVersion: string;
  /** The directory holding flanneld, install-conf and flannel's CNI plugin. */
  flannel: string;
  /** The rootfs image under the Kubernetes components (kube-proxy needs iptables and friends). */
  rootfs: string;
}

/** What kubeadm deploys, by the name it pulls: `kubeadm config images list`. */
export async function kubeadmImages(binaries: Binaries): Promise<string[]> {
  const out = await $`${binaries.path('kubeadm')} config images list --kubernetes-version ${versions.kubernetes}`;
  return out.stdout.split('\n').filter(Boolean);
}

/** The workload the labs run on kind: agnhost under its upstream name. */
export function workloadRef(agnhostVersion: string): string {
  return `registry.k8s.io/e2e-test-images/agnhost:${agnhostVersion}`;
}

/** The image name without registry path and tag: registry.k8s.io/coredns/coredns:v1.14.2 → coredns. */
export function shortName(ref: string): string {
  return basename(ref.replace(/[:@][^/]*$/, ''));
}

export async function checkCoreDNSPin(refs: string[]): Promise<void> {
  const wanted = refs
    .find((r) => shortName(r) === 'coredns')
    ?.split(':')
    .pop();
  const pinned = /github\.com\/coredns\/coredns (v\S+)/.exec(await readFile(join(corednsDir, 'go.mod'), 'utf8'))?.[1];
  if (wanted !== pinned) {
    throw new UserError(`kubeadm ${versions.kubernetes} deploys CoreDNS ${wanted}, but tools/coredns pins ${pinned}`, {
      fix: `pin ${wanted} in tools/coredns/go.mod and run go mod tidy there`,
    });
  }
}

async function dockerBuild(tag: string, dockerfile: string, context?: string): Promise<void> {
  const args = context ? ['-f', '-', context] : ['-'];
  const result = await $({ input: dockerfile, nothrow: true })`docker build --quiet -t ${tag} ${args}`;
  if (result.exitCode !== 0) throw new UserError(`docker build of ${tag} failed: ${lastLine(result.stderr)}`);
}

/** A context directory holding copies of these files (docker build reads nothing outside it). */
async function contextWith(name: string, files: string[]): Promise<string> {
  const dir = join(cacheDir(), 'image-work', `${name}-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const file of files) await copyFile(file, join(dir, basename(file)));
  return dir;
}

async function withContext(name: string, files: string[], build: (dir: string) => Promise<void>): Promise<void> {
  const dir = await contextWith(name, files);
  try {
    await build(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds every image under kubelab/ names tagged with `tag`; returns them with their cluster names. */
export async function buildComponentImages(inputs: ImageInputs, tag: string, progress: Progress): Promise<ComponentImage[]> {
  const refs = await kubeadmImages(inputs.binaries);
  await checkCoreDNSPin(refs);
  progress.step(`component images: ${refs.map(shortName).join(', ')}, the CNI daemon, flannel and agnhost`);
  const local = (name: string) => `kubelab/${name}:${tag}`;
  const k8s = local('kubernetes');
  const binary = join(inputs.binaries.dir, multiCallBinary);
  // One layer holds the multi-call binary; each component adds only a symlink to it, so the
  // node's containerd stores the binary once.
  await withContext('kubernetes', [binary], (dir) =>
    dockerBuild(k8s, `FROM ${inputs.rootfs}\nCOPY ${multiCallBinary} /usr/local/bin/${multiCallBinary}\n`, dir),
  );
  const linked = (...commands: string[]) =>
    `FROM ${k8s}\nRUN ${commands.map((c) => `ln -s ${multiCallBinary} /usr/local/bin/${c}`).join(' && ')}\n`;
  // Upstream's etcd image carries etcd's two command-line tools beside the server, and so does this one.
  const commandsOf = (name: string) => (name === 'etcd' ? ['etcd', 'etcdctl', 'etcdutl'] : [name]);
  const images: ComponentImage[] = [];
  for (const ref of refs) {
    const name = shortName(ref);
    if (['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'etcd'].includes(name)) {
      await dockerBuild(local(name), linked(...commandsOf(name)));
    } else if (name === 'coredns') {
      await withContext('coredns', [inputs.coredns], (dir) =>
        dockerBuild(local(name), 'FROM scratch\nCOPY coredns /coredns\nENTRYPOINT ["/coredns"]\n', dir),
      );
    } else if (name === 'pause') {
      await withContext('pause', [inputs.pause], (dir) =>
        dockerBuild(local(name), 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n', dir),
      );
    } else {
      throw new UserError(`kubeadm ${versions.kubernetes} lists an image kubelab does not know how to build: ${ref}`);
    }
    images.push({ local: local(name), ref });
  }
  await dockerBuild(local('net'), linked('kubectl'));
  images.push({ local: local('net'), ref: NET_IMAGE });
  // One image for both of upstream's: flanneld and install-conf where its flannel image has them,
  // the CNI plugin where its flannel-cni-plugin image does; the rootfs has iptables and cp.
  const flannelFiles = ['flanneld', 'install-conf', 'flannel'].map((f) => join(inputs.flannel, f));
  await withContext('flannel', flannelFiles, (dir) =>
    dockerBuild(
      local('flannel'),
      `FROM ${inputs.rootfs}\nCOPY flanneld install-conf /opt/bin/\nCOPY flannel /flannel\nENTRYPOINT ["/opt/bin/flanneld"]\n`,
      dir,
    ),
  );
  images.push({ local: local('flannel'), ref: flannelImage() });
  // On the component rootfs rather than scratch, so that `kubectl exec` into a lab pod has a shell.
  await withContext('agnhost', [inputs.agnhost], (dir) =>
    dockerBuild(local('agnhost'), `FROM ${inputs.rootfs}\nCOPY agnhost /agnhost\nENTRYPOINT ["/agnhost"]\n`, dir),
  );
  const workload = workloadRef(inputs.agnhostVersion);
  if (workload !== WORKLOAD_IMAGE) {
    throw new UserError(`the pinned Kubernetes module builds ${workload}, but the labs run ${WORKLOAD_IMAGE}`, {
      fix: 'update WORKLOAD_IMAGE in src/cluster/workload.ts',
    });
  }
  images.push({ local: local('agnhost'), ref: workload });
  return images;
}

/** Removes a build's kubelab/ component tags: once inside the node image, Docker need not keep them. */
export async function removeComponentImages(images: ComponentImage[], tag: string): Promise<void> {
  await $({ nothrow: true })`docker rmi ${[...images.map((i) => i.local), `kubelab/kubernetes:${tag}`]}`;
}
