// Observable Framework site of the labs. Offline-safe: no Google Fonts, and pages import
// Plot and Inputs from node_modules rather than from a CDN.
export default {
  root: 'labs',
  title: 'kubelab',
  globalStylesheets: [],
  pages: [{ name: 'Labs', pages: [] }],
  footer: 'kubelab — labs on a real local Kubernetes cluster',
};
