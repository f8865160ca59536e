import { UserError } from '../errors.ts';

/** A bootstrap token "<id>.<secret>": the id is public (it names the Secret), the secret is a credential. */
export interface BootstrapToken {
  id: string;
  secret: string;
}

const PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** Parses a token as kubeadm does, refusing anything not of the form [a-z0-9]{6}.[a-z0-9]{16}. */
export function parseToken(text: string): BootstrapToken {
  const match = PATTERN.exec(text);
  if (!match) {
    throw new UserError(`the bootstrap token "${text}" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"`, {
      fix: 'kubeadm token list shows the cluster’s tokens; kubeadm token create makes a new one',
    });
  }
  return { id: match[1]!, secret: match[2]! };
}

/** The user name the API server gives a request authenticated with this token. */
export function bootstrapUser(token: BootstrapToken): string {
  return `system:bootstrap:${token.id}`;
}
