// Public-key pinning of the cluster CA, as kubeadm's --discovery-token-ca-cert-hash does it:
// the pin is the SHA-256 of the certificate's DER-encoded Subject Public Key Info.
import { createHash, X509Certificate } from 'node:crypto';
import { UserError } from '../errors.ts';

/** "sha256:<hex>" of a certificate's public key, the value kubeadm prints in its join command. */
export function caCertHash(certificate: X509Certificate | string): string {
  const cert = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate;
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** Every certificate of a PEM bundle (a CA file may hold more than one). */
export function certificatesIn(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** Validates pins the way kubeadm does and returns their lower-case hex values. */
export function parsePins(hashes: string[]): Set<string> {
  const pins = new Set<string>();
  for (const hash of hashes) {
    const parts = hash.split(':');
    if (parts.length !== 2) {
      throw new UserError(`invalid discovery token CA certificate hash "${hash}": expected "format:hex-value"`, {
        fix: 'give it as sha256:<64 hex digits>',
      });
    }
    const [format = '', value = ''] = parts;
    if (format.toLowerCase() !== 'sha256') {
      throw new UserError(`invalid discovery token CA certificate hash: unknown hash format "${format}"`, {
        fix: 'the known format is sha256',
      });
    }
    if (!/^[0-9a-fA-F]{64}$/.test(value)) {
      throw new UserError(`invalid discovery token CA certificate hash "${hash}": expected a 32 byte SHA-256 hash in hex`, {
        fix: 'give it as sha256:<64 hex digits>',
      });
    }
    pins.add(value.toLowerCase());
  }
  return pins;
}

/** Passes when any certificate of the bundle has a pinned public key; otherwise names the keys found. */
export function checkPinned(caPem: string, pins: Set<string>): void {
  const found = certificatesIn(caPem).map((cert) => caCertHash(cert));
  if (found.some((hash) => pins.has(hash.slice('sha256:'.length)))) return;
  throw new UserError(
    `couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${found.join(':')}" are pinned`,
    {
      fix: "check --discovery-token-ca-cert-hash: it is sha256: and the hex SHA-256 of the CA certificate's public key (openssl x509 -pubkey -noout -in ca.crt | openssl pkey -pubin -outform der | sha256sum)",
    },
  );
}
