// Observable Framework site of the labs. It must build and run with no network but loopback:
// - globalStylesheets replaces the default Google Fonts link; kube.css pulls in the
//   node_modules Inputs stylesheet, because pages import Plot and Inputs from node_modules
//   (bare `@observablehq/plot`, `@observablehq/inputs`), never `npm:` (jsDelivr);
// - `kubelab serve` and `kubelab build` seed Framework's npm version cache so that bundling
//   its client does not ask the npm registry (src/serve.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE = join(dirname(fileURLToPath(import.meta.url)), 'labs');

/** The lab pages, in the order of the course. A page still being written is left out until its file exists: Framework fails a build on a listed page that is missing. */
const LABS = [
  { name: 'kubeadm init', path: '/kubeadm-init' },
  { name: 'API versions', path: '/api-versions' },
  { name: 'The max-pods limit', path: '/max-pods' },
  { name: 'Draining a node', path: '/drain' },
];

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
