// The identities a joining node uses, in order: nobody (discovery), its bootstrap token
// (TLS bootstrap), and finally its own client certificate.
import { KubeConfig } from '@kubernetes/client-node';

export type Credentials = { token: string } | { certPem: string; keyPem: string } | Record<string, never>;

/** A KubeConfig for server; without caPem it does not verify the server (as kubeadm's first discovery request). */
export function kubeConfigFor(server: string, caPem: string | undefined, credentials: Credentials = {}): KubeConfig {
  const user =
    'token' in credentials
      ? { name: 'join', token: credentials.token }
      : 'certPem' in credentials
        ? {
            name: 'join',
            certData: Buffer.from(credentials.certPem).toString('base64'),
            keyData: Buffer.from(credentials.keyPem).toString('base64'),
          }
        : { name: 'join' };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'kubernetes',
        server,
        skipTLSVerify: caPem === undefined,
        ...(caPem ? { caData: Buffer.from(caPem).toString('base64') } : {}),
      },
    ],
    users: [user],
    contexts: [{ name: 'join', cluster: 'kubernetes', user: 'join' }],
    currentContext: 'join',
  });
  return kc;
}
