// The options that name a cluster, defined once for every command that takes them.
import { Option } from 'commander';

/** The cluster a command is about when none is named: $KUBELAB_CLUSTER, else kubelab. */
export function defaultClusterName(): string {
  return process.env.KUBELAB_CLUSTER ?? 'kubelab';
}

/** auto: the cluster's own provider, else $KUBELAB_PROVIDER for a new one, else what the machine can run. */
export function defaultProvider(): string {
  return 'auto';
}

export function nameOption(): Option {
  return new Option('--name <name>', 'kubelab cluster name ($KUBELAB_CLUSTER)').default(defaultClusterName());
}

export function providerOption(): Option {
  return new Option(
    '--provider <provider>',
    'auto, local, kind or existing (auto: a new cluster takes $KUBELAB_PROVIDER, else kind when it can run)',
  ).default(defaultProvider());
}
