// The certificate a TLS server presents, read off a handshake. The handshake accepts any
// certificate: whether it is the right one (its issuer, its names, its lifetime) is what checks
// judge, and a learner's broken certificate must fail a check, not break it.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';

/** The certificate served at an https:// URL's host and port right now. */
export async function servedCertificate(address: string): Promise<X509Certificate> {
  const url = new URL(address);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const options = { host, port: Number(url.port || 443), rejectUnauthorized: false, servername: isIP(host) ? undefined : host };
    const socket = connect(options, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error(`${url.host} presented no certificate`));
    });
    socket.setTimeout(5000, () => socket.destroy(new Error(`TLS handshake with ${url.host} timed out`)));
    socket.on('error', reject);
  });
}

/** The certificate the kubeconfig's API server presents right now. */
export const servingCertificate = (kc: KubeConfig) => servedCertificate(kc.getCurrentCluster()!.server);
