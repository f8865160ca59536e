// The flannel manifest the pod-network lab hands a learner: upstream's kube-flannel.yml from the
// pinned module, changed only where this machine differs from the internet. The node image keeps
// it beside kind's own CNI manifest, in /kind/manifests.
import { UserError } from '../../../errors.ts';
import { FLANNEL_CNI_VERSION } from './recipe.ts';

/** Where a node keeps it. */
export const FLANNEL_MANIFEST = '/kind/manifests/kube-flannel.yml';

function replaceAll(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new UserError(`upstream's kube-flannel.yml has no ${what} as kubelab expects`);
  return text.replace(pattern, replacement);
}

/**
 * Upstream's manifest with both its images (flannel, and the CNI plugin's) replaced by the one
 * built here and already in every node, and the CNI configuration's version lowered to what the
 * plugin built here speaks. Everything a learner edits (net-conf.json) stays upstream's.
 */
export function flannelManifest(upstream: string, image: string, version: string): string {
  const header = [
    `# flannel ${version}'s Documentation/kube-flannel.yml, as kubelab's kind nodes carry it. Changed`,
    `# from upstream: both images are ${image}, built from flannel's Go modules and already in every`,
    `# node (nothing is pulled); the CNI configuration says cniVersion ${FLANNEL_CNI_VERSION}, the newest the flannel`,
    "# CNI plugin built here speaks. Everything else is upstream's, the backend (vxlan) included.",
    '',
  ].join('\n');
  let out = replaceAll(upstream, /ghcr\.io\/flannel-io\/flannel(-cni-plugin)?:\S+/g, image, 'ghcr.io/flannel-io images');
  out = replaceAll(out, /"cniVersion": "[^"]+"/g, `"cniVersion": "${FLANNEL_CNI_VERSION}"`, 'cniVersion');
  return header + out;
}
