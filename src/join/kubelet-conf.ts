import { stringify } from 'yaml';

/** The kubeconfig a kubelet keeps after TLS bootstrap: the cluster CA and its own client certificate. */
export function kubeletConf(server: string, caPem: string, node: string, certPem: string, keyPem: string): string {
  const user = `system:node:${node}`;
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
    contexts: [{ name: `${user}@kubernetes`, context: { cluster: 'kubernetes', user } }],
    'current-context': `${user}@kubernetes`,
  });
}
