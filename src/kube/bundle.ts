// @kubernetes/client-node is about 870 ES modules, and loading them is most of what a short CLI
// call such as `kubelab check` spends: about 0.35 s, where the same code bundled into one file by
// esbuild (already installed, as tsx's) loads in about 0.13 s. The CLI points every import of the
// package at such a bundle, built once per client-node and esbuild version in kubelab's cache.
// Tests and the site's loaders import the package as usual.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir } from '../paths.ts';

const PACKAGE = '@kubernetes/client-node';
const require = createRequire(import.meta.url);

const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

async function build(file: string): Promise<void> {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [require.resolve(PACKAGE)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile: partial,
    logLevel: 'silent',
    // The package's CommonJS dependencies call require() for Node's own modules.
    banner: { js: "import { createRequire as __kubelabRequire } from 'node:module'; const require = __kubelabRequire(import.meta.url);" },
  });
  renameSync(partial, file); // whole or not at all, whichever process finishes first
}

/** From now on, imports of @kubernetes/client-node load the bundle; on any trouble they load the package as before. */
export async function useClientBundle(): Promise<void> {
  if (process.env.KUBELAB_CLIENT_BUNDLE === '0' || typeof registerHooks !== 'function') return;
  try {
    const file = join(cacheDir(), 'client-bundle', `client-node-${versionOf(PACKAGE)}-esbuild-${versionOf('esbuild')}.mjs`);
    if (!existsSync(file)) await build(file);
    const url = pathToFileURL(file).href;
    registerHooks({
      resolve: (specifier, context, next) =>
        specifier === PACKAGE ? { url, format: 'module', shortCircuit: true } : next(specifier, context),
    });
  } catch {
    // no esbuild, a read-only cache: the package loads module by module, only slower
  }
}
