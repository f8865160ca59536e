import { UserError } from '../errors.ts';
import { LocalProvider } from './local/index.ts';
import type { Provider, ProviderName } from './provider.ts';

export interface ChosenProvider {
  provider: Provider;
  /** Why it was chosen, for `kubelab status`. */
  reason: string;
}

/** The provider for a flag value; "auto" picks the best one this machine can run. */
export function chooseProvider(flag: string = 'auto'): ChosenProvider {
  const known: ProviderName[] = ['local', 'kind', 'existing'];
  if (flag !== 'auto' && !known.includes(flag as ProviderName)) {
    throw new UserError(`unknown provider "${flag}"`, { fix: `choose one of auto, ${known.join(', ')}` });
  }
  if (flag === 'kind' || flag === 'existing') {
    throw new UserError(`the ${flag} provider is not available in this version`, { fix: 'use --provider local (the default)' });
  }
  return {
    provider: new LocalProvider(),
    reason: flag === 'local' ? 'chosen with --provider local' : 'auto: the embedded local provider (kind support is not built yet)',
  };
}
