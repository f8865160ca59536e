import type { Command } from 'commander';
import type { Progress } from '../progress.ts';
import { UserError } from '../errors.ts';

const BUILD_HELP = `
Builds the kind node image on this machine, with no container registry: a Debian bookworm
root filesystem from Debian packages (mmdebstrap), kind's base-image files, Debian's containerd,
runc and CNI plugins, and Kubernetes, etcd, CoreDNS, crictl, pause and agnhost built from their
Go modules and C source. Every image a kubeadm cluster runs is loaded into the node, so nothing
is ever pulled. Each step is cached (Debian images in Docker, programs in ~/.cache/kubelab) and
the image is tagged by a digest of its recipe, so it is rebuilt only when the recipe changes.

Needs: a running Docker engine, Go 1.26+, mmdebstrap, gcc with the static C library, and access
to the Debian archive (KUBELAB_DEBIAN_MIRROR) and the Go module proxy.
Costs, on a 2-core machine: 15–35 minutes cold (most of it compiling Kubernetes, shared with
kubelab up), a few seconds when nothing changed; about 1.7 GB of Docker images and 3 GB of caches.`;

export function addImageCommands(cli: Command, progress: Progress): void {
  const image = cli.command('image').description('the kind node image kubelab builds');

  image
    .command('build')
    .description('build the kind node image offline (Debian packages and Go modules; no registry)')
    .option('--tag <tag>', 'the tag to give the image (default: kubelab/node:<version>-<recipe digest>, which kubelab uses)')
    .addHelpText('after', BUILD_HELP)
    .action(async (options: { tag?: string }) => {
      if (options.tag !== undefined && !/^[a-z0-9][a-z0-9._/-]*:[\w][\w.-]{0,127}$/.test(options.tag)) {
        throw new UserError(`--tag "${options.tag}" is not a Docker image tag`, { fix: 'give it as name:tag, e.g. mylab/node:dev' });
      }
      const { buildNodeImage } = await import('../cluster/kind/image/index.ts');
      console.log(await buildNodeImage(progress, options.tag));
    });

  image
    .command('status')
    .description('the node image this checkout builds, and whether Docker has it')
    .action(async () => {
      const { nodeImageTag } = await import('../cluster/kind/image/recipe.ts');
      const { imagePresent, probeDocker } = await import('../cluster/kind/docker.ts');
      const tag = nodeImageTag();
      const docker = probeDocker();
      const present = docker.ok && imagePresent(tag);
      console.log(`${tag}  ${present ? 'built' : docker.ok ? 'not built: run kubelab image build' : `unknown: ${docker.reason}`}`);
      if (!present) process.exitCode = 3;
    });
}
