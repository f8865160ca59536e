import { $ as zx } from 'zx';

/** zx's $, quiet: kubelab reports failures itself, in one line. */
export const $ = zx({ quiet: true });
