// Shell commands the reference solutions print and run, written as a learner would type them,
// plus the one place that knows how to reach the control-plane machine on each provider.
import { UserError, type NodeShell, type SolutionContext } from '../../src/engine/sdk.ts';
import { NOTES } from './constants.ts';

/** The API server's URL, from the learner's kubeconfig. */
export const SERVER = `SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')`;

/**
 * The CA hash a join pins, computed as kubeadm does: SHA-256 of the DER public key of the CA
 * that cluster-info publishes. Plain kubectl, sed and openssl, so it works on every provider.
 */
export const CA_HASH =
  "sha256:$(kubectl -n kube-public get configmap cluster-info -o jsonpath='{.data.kubeconfig}' " +
  "| sed -n 's/^ *certificate-authority-data: //p' | base64 -d " +
  "| openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)";

/** The local provider's nodes are this machine: a command to run there stays as it is. */
export const isThisMachine = (shell: NodeShell) => shell.here;

/**
 * A kubeadm command on the control-plane machine. On the local provider that is this machine,
 * where kubeadm's files live under the cluster's state directory rather than /etc/kubernetes,
 * so kubeadm reads their place from the configuration kubelab ran init with. kubelab's control
 * plane is always the notes' kub1.
 */
export function onControlPlane(ctx: SolutionContext, kubeadmArgs: string): string {
  if (!ctx.node)
    throw new UserError('this step works on a control-plane machine, which only a cluster kubelab runs lets you reach', {
      fix: 'kubelab start kubeadm-init (without --context)',
    });
  const shell = ctx.node(NOTES.nodeName);
  return isThisMachine(shell)
    ? `kubeadm ${kubeadmArgs} --config "$(dirname "$KUBECONFIG")/kubeadm.yaml"`
    : shell.run(`kubeadm ${kubeadmArgs}`);
}
