// The reference solutions, as a learner types them. Each exercise starts from the lab's starting
// state, so the later ones begin with the drain; run again on a drained node it changes nothing.
import { WORKLOAD_IMAGE } from '../../src/engine/sdk.ts';
import { DEPLOYMENT, NAMESPACE, NODE, REPLICAS, TOOLBOX } from './constants.ts';

const scaleTo = (replicas: number) => `kubectl scale deployment ${DEPLOYMENT} -n ${NAMESPACE} --replicas=${replicas}`;

export const drainCommands = (): string[] => [
  `kubectl get pdb ${DEPLOYMENT} -n ${NAMESPACE}    # ALLOWED DISRUPTIONS: how many kuard pods may be evicted now (none at the start)`,
  `${scaleTo(REPLICAS + 1)}    # a spare replica, so one may go without breaking the budget`,
  `kubectl rollout status deployment ${DEPLOYMENT} -n ${NAMESPACE} --timeout=180s`,
  `kubectl drain ${NODE} --ignore-daemonsets --delete-emptydir-data --force --timeout=300s`,
];

export const restoreToolboxCommands = (): string[] => [
  ...drainCommands(),
  `kubectl run ${TOOLBOX} -n ${NAMESPACE} --image=${WORKLOAD_IMAGE} --labels=app=${TOOLBOX} --restart=Never -- pause`,
  `kubectl wait pod/${TOOLBOX} -n ${NAMESPACE} --for=condition=Ready --timeout=180s`,
];

/** The join command kubeadm prints, taken apart into what kubelab node join takes. */
const JOIN = [
  'JOIN=$(kubeadm token create --print-join-command --kubeconfig "$KUBECONFIG")',
  'echo "$JOIN"',
  `TOKEN=$(echo "$JOIN" | grep -o -- '--token [^ ]*' | cut -d' ' -f2)`,
  `HASH=$(echo "$JOIN" | grep -o 'sha256:[0-9a-f]*')`,
  `kubelab node join --token "$TOKEN" --discovery-token-ca-cert-hash "$HASH" --node-name ${NODE}`,
].join('\n');

export const rebuildCommands = (): string[] => [
  ...drainCommands(),
  `kubectl delete node ${NODE}`,
  JOIN,
  `kubectl wait node/${NODE} --for=condition=Ready --timeout=180s`,
  `kubectl uncordon ${NODE}    # a node that registers anew is schedulable already: this changes nothing`,
  `${scaleTo(REPLICAS)}    # the maintenance is over: the spare replica goes`,
];
