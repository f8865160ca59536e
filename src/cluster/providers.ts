import { UserError } from '../errors.ts';
import { ExistingProvider } from './existing/index.ts';
import { findKind, probeKind } from './kind/cli.ts';
import { imagePresent, probeDocker, type Probe } from './kind/docker.ts';
import { KindProvider, nodeImage } from './kind/index.ts';
import { readRecord as readKindRecord } from './kind/state.ts';
import { LocalProvider } from './local/index.ts';
import { readRecord as readLocalRecord } from './local/state.ts';
import type { Provider, ProviderName } from './provider.ts';

export interface ChosenProvider {
  provider: Provider;
  /** Why it was chosen, for `kubelab status`. */
  reason: string;
}

export interface ProviderOptions {
  /** The cluster the command is about: auto picks the provider that created it. */
  name?: string;
  /** A kubeconfig context kubelab did not create (the existing provider). */
  context?: string;
  /** Permission to change that context's cluster. */
  yes?: boolean;
  /** The kind node image (--image). */
  image?: string;
}

/** What auto-detection found on this machine. */
export interface KindProbe {
  docker: Probe;
  kind: Probe;
  image: string;
  imagePresent: boolean;
}

export const known: ProviderName[] = ['local', 'kind', 'existing'];

let cached: KindProbe | undefined;

/** Looks for Docker, the kind CLI and the node image, once per process; each look is time-limited. */
export function probeKindSupport(image = nodeImage()): KindProbe {
  if (cached?.image === image) return cached;
  const docker = probeDocker();
  const kind = docker.ok ? probeKind(findKind()) : ({ ok: false, reason: 'not checked' } as const);
  cached = { docker, kind, image, imagePresent: docker.ok && kind.ok && imagePresent(image) };
  return cached;
}

/**
 * Pure: kind when Docker runs, the kind CLI works and the node image is already local (kubelab
 * never pulls: nothing it runs may reach past loopback); else the embedded local provider.
 */
export function autoChoice(probe: KindProbe): { name: 'kind' | 'local'; reason: string } {
  const local = 'using the embedded local provider';
  if (!probe.docker.ok) return { name: 'local', reason: `auto: ${probe.docker.reason}, ${local}` };
  if (!probe.kind.ok) return { name: 'local', reason: `auto: docker ${probe.docker.version} runs but ${probe.kind.reason}, ${local}` };
  if (!probe.imagePresent) {
    return {
      name: 'local',
      reason: `auto: docker and kind ${probe.kind.version} work but the node image ${probe.image} is not built (kubelab image build makes it; kubelab never pulls), ${local}`,
    };
  }
  return {
    name: 'kind',
    reason: `auto: docker ${probe.docker.version}, kind ${probe.kind.version} and ${probe.image} are here, using kind`,
  };
}

function make(name: ProviderName, options: ProviderOptions): Provider {
  if (name === 'kind') return new KindProvider({ image: options.image });
  if (name === 'existing') {
    if (!options.context)
      throw new UserError('the existing provider needs a context', { fix: 'add --context <name> (see kubectl config get-contexts)' });
    return new ExistingProvider({ context: options.context, allowChanges: options.yes === true });
  }
  return new LocalProvider();
}

/**
 * The provider for a flag value. "auto" takes, in order: the existing provider when a
 * --context is given; the provider that created the named cluster; $KUBELAB_PROVIDER (local
 * or kind) for a new one; kind when this machine can run it; the embedded local provider.
 */
export function chooseProvider(flag: string = 'auto', options: ProviderOptions = {}): ChosenProvider {
  if (flag !== 'auto' && !known.includes(flag as ProviderName)) {
    throw new UserError(`unknown provider "${flag}"`, { fix: `choose one of auto, ${known.join(', ')}` });
  }
  if (flag !== 'auto') {
    const reason =
      flag === 'existing' ? `chosen with --provider existing --context ${options.context ?? ''}` : `chosen with --provider ${flag}`;
    return { provider: make(flag as ProviderName, options), reason };
  }
  if (options.context)
    return { provider: make('existing', options), reason: `auto: --context ${options.context} names a cluster kubelab did not create` };
  if (options.name) {
    const kind = readKindRecord(options.name);
    const local = readLocalRecord(options.name);
    if (kind && !local) return { provider: make('kind', options), reason: `auto: kubelab created cluster "${options.name}" with kind` };
    if (local && !kind)
      return { provider: make('local', options), reason: `auto: kubelab created cluster "${options.name}" with the local provider` };
  }
  const preferred = process.env.KUBELAB_PROVIDER;
  if (preferred === 'local' || preferred === 'kind')
    return { provider: make(preferred, options), reason: `auto: KUBELAB_PROVIDER=${preferred}` };
  if (preferred && preferred !== 'auto')
    throw new UserError(`KUBELAB_PROVIDER is "${preferred}"`, { fix: 'set it to local or kind, or unset it' });
  const choice = autoChoice(probeKindSupport(nodeImage(options.image)));
  return { provider: make(choice.name, options), reason: choice.reason };
}
