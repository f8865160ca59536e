// The programs that go into the node and component images besides the Kubernetes multi-call
// binary, each built from its upstream source once and kept in the cache by version.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../../errors.ts';
import { cacheDir, packageRoot } from '../../../paths.ts';
import type { Progress } from '../../../progress.ts';
import { $ } from '../../../exec.ts';
import { sourceBuildKey } from '../../../binaries/build.ts';
import { CRICTL_VERSION, corednsDir, digests, FLANNEL_CNI_PLUGINS_VERSION, flannelDir, flannelVersion } from './recipe.ts';
import { lastLine } from './rootfs.ts';

const toolsDir = join(packageRoot, 'tools');
/** Static binaries: they run in images with no C library (FROM scratch) as well as on any node. */
const goEnv = () => ({ ...process.env, CGO_ENABLED: '0' });
const ldflags = '-s -w';

/**
 * Returns dir/file, building it first when the cache lacks it. The build writes into a
 * private directory that is renamed into place only when complete.
 */
async function cached(key: string, file: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(cacheDir(), 'image-bin', key);
  if (existsSync(join(dir, file))) return join(dir, file);
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await build(staging);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return join(dir, file);
}

async function run(what: string, command: Promise<{ exitCode: number | null; stderr: string }>): Promise<void> {
  const result = await command;
  if (result.exitCode !== 0)
    throw new UserError(`${what} failed: ${lastLine(result.stderr)}`, { fix: 'fix the cause and run kubelab image build again' });
}

/** Where the Go module cache holds a module of a recipe module's build list (tools/ unless told). */
export async function moduleDir(module: string, cwd = toolsDir): Promise<string> {
  const out = await $({ cwd })`go mod download -json ${module}`;
  return (JSON.parse(out.stdout) as { Dir: string }).Dir;
}

export function buildCoreDNS(progress: Progress): Promise<string> {
  return cached(`coredns-${digests.coredns()}`, 'coredns', async (dir) => {
    progress.step('building CoreDNS from its Go module (tools/coredns; once)');
    await run(
      'go build of CoreDNS',
      $({ cwd: corednsDir, env: goEnv(), nothrow: true })`go build -trimpath -ldflags ${ldflags} -o ${join(dir, 'coredns')} .`,
    );
  });
}

/** Backends whose packages cannot build here: tencentvpc's SDK is not served, udp needs cgo. */
const UNBUILDABLE_BACKENDS = ['tencentvpc', 'udp'];

/** flanneld's main.go without the backends that cannot build here; the lab uses host-gw (and vxlan by default). */
export function withoutUnbuildableBackends(main: string): string {
  let out = main;
  for (const backend of UNBUILDABLE_BACKENDS) {
    const line = new RegExp(`^\\s*_ "github\\.com/flannel-io/flannel/pkg/backend/${backend}"\\n`, 'm');
    if (!line.test(out)) throw new UserError(`flannel's main.go no longer imports the ${backend} backend as kubelab expects`);
    out = out.replace(line, '');
  }
  return out;
}

/** flanneld, install-conf and flannel's CNI plugin, in one directory. */
export function buildFlannel(progress: Progress): Promise<string> {
  const version = flannelVersion();
  return cached(`flannel-${digests.flannel()}`, 'flanneld', async (dir) => {
    progress.step(`building flannel ${version} and its CNI plugin from their Go modules (tools/flannel; once)`);
    const work = join(dir, 'src');
    await mkdir(work);
    for (const file of ['go.mod', 'go.sum']) await copyFile(join(flannelDir, file), join(work, file));
    const main = await readFile(join(await moduleDir('github.com/flannel-io/flannel', flannelDir), 'main.go'), 'utf8');
    await writeFile(join(work, 'main.go'), withoutUnbuildableBackends(main));
    const versioned = `${ldflags} -X github.com/flannel-io/flannel/pkg/version.Version=${version}`;
    const go = $({ cwd: work, env: goEnv(), nothrow: true });
    await run('go build of flanneld', go`go build -trimpath -ldflags ${versioned} -o ${join(dir, 'flanneld')} .`);
    await run(
      'go build of install-conf',
      go`go build -trimpath -ldflags ${ldflags} -o ${join(dir, 'install-conf')} github.com/flannel-io/flannel/cmd/install_conf`,
    );
    const plugin = `github.com/containernetworking/plugins/plugins/meta/flannel@${FLANNEL_CNI_PLUGINS_VERSION}`;
    const env = { ...goEnv(), GOBIN: dir, GOFLAGS: '-trimpath' };
    await run("go install of flannel's CNI plugin", $({ env, nothrow: true })`go install -ldflags ${ldflags} ${plugin}`);
    await rm(work, { recursive: true, force: true });
  }).then((flanneld) => join(flanneld, '..'));
}

/** upstream's kube-flannel.yml, from the pinned module. */
export async function upstreamFlannelManifest(): Promise<string> {
  return readFile(join(await moduleDir('github.com/flannel-io/flannel', flannelDir), 'Documentation', 'kube-flannel.yml'), 'utf8');
}

export function buildCrictl(progress: Progress): Promise<string> {
  return cached(`crictl-${CRICTL_VERSION}`, 'crictl', async (dir) => {
    progress.step(`building crictl ${CRICTL_VERSION} from its Go module (once)`);
    const env = { ...goEnv(), GOBIN: dir, GOFLAGS: '-trimpath' };
    await run(
      'go install of crictl',
      $({ env, nothrow: true })`go install -ldflags ${ldflags} sigs.k8s.io/cri-tools/cmd/crictl@${CRICTL_VERSION}`,
    );
  });
}

/** agnhost, Kubernetes' own e2e workload image (HTTP server, DNS and network probes), from the pinned module. */
export function buildAgnhost(progress: Progress): Promise<string> {
  return cached(`agnhost-${sourceBuildKey()}`, 'agnhost', async (dir) => {
    progress.step("building agnhost (Kubernetes' test workload) from the pinned module (once)");
    await run(
      'go build of agnhost',
      $({
        cwd: toolsDir,
        env: goEnv(),
        nothrow: true,
      })`go build -trimpath -ldflags ${ldflags} -o ${join(dir, 'agnhost')} k8s.io/kubernetes/test/images/agnhost`,
    );
  });
}

export async function agnhostVersion(): Promise<string> {
  return (await readFile(join(await moduleDir('k8s.io/kubernetes'), 'test', 'images', 'agnhost', 'VERSION'), 'utf8')).trim();
}

/** The pause container from Kubernetes' own source (build/pause/linux/pause.c), compiled as upstream does. */
export function buildPause(tag: string, progress: Progress): Promise<string> {
  return cached(`pause-${tag}`, 'pause', async (dir) => {
    progress.step(`compiling pause ${tag} from build/pause/linux/pause.c (once)`);
    const source = join(await moduleDir('k8s.io/kubernetes'), 'build', 'pause', 'linux', 'pause.c');
    const result = await $({
      nothrow: true,
    })`gcc -Os -Wall -Werror -static -s ${`-DVERSION=v${tag}-kubelab`} -o ${join(dir, 'pause')} ${source}`;
    if (result.exitCode !== 0) {
      throw new UserError(`compiling pause failed: ${lastLine(result.stderr)}`, {
        fix: 'install gcc and the static C library (Debian: apt-get install gcc libc6-dev)',
      });
    }
  });
}
