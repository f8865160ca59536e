// Observable Framework site of the labs. It must build and run with no network but loopback:
// - globalStylesheets replaces the default Google Fonts link; kube.css pulls in the
//   node_modules Inputs stylesheet, because pages import Plot and Inputs from node_modules
//   (bare `@observablehq/plot`, `@observablehq/inputs`), never `npm:` (jsDelivr);
// - `kubelab serve` and `kubelab build` seed Framework's npm version cache so that bundling
//   its client does not ask the npm registry (src/serve.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labs } from './src/engine/registry.ts';

const SITE = join(dirname(fileURLToPath(import.meta.url)), 'labs');

/**
 * The lab pages, in the order of the course, from the labs kubelab discovers: a lab's page is
 * labs/<id>.md. A lab whose page is still being written is left out until its file exists:
 * Framework fails a build on a listed page that is missing.
 */
const LABS = labs.map((lab) => ({ name: lab.title, path: `/${lab.id}` }));

export default {
  root: 'labs',
  // `kubelab build --output DIR` passes DIR here; Framework has no flag for it.
  output: process.env.KUBELAB_SITE_OUTPUT ?? 'dist',
  title: 'kubelab',
  globalStylesheets: ['/components/kube.css'],
  pages: [{ name: 'Labs', pages: LABS.filter((page) => existsSync(join(SITE, `${page.path}.md`))) }],
  // No favicon file: an empty one keeps browsers from asking for /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  pager: true,
  search: false,
  footer: 'kubelab — labs on a real Kubernetes cluster running on this machine',
};
