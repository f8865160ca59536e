// The workshop server's certificate: the instructor's own (--cert, --key), or one generated here,
// self-signed for the names learners will type, kept in the workshop's directory and reused
// while it still covers them. Either way its SHA-256 fingerprint is printed, so a learner whose
// browser warns about a self-signed certificate can compare it before accepting.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { UserError } from '../../errors.ts';

export interface ServerTls {
  /** PEM: the certificate, then any intermediates. */
  cert: string;
  key: string;
  /** SHA-256 of the certificate, as browsers show it (AB:CD:…). */
  fingerprint: string;
  selfSigned: boolean;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const VALID_DAYS = 30;

function leafOf(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

/** Whether the certificate names this host (a DNS name or an IP address) and is valid for a day more. */
function covers(cert: X509Certificate, names: string[]): boolean {
  if (Date.parse(cert.validTo) < Date.now() + 86_400_000) return false;
  return names.every((name) => (isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined));
}

/** The instructor's certificate and key, checked to belong together. */
export function loadTls(certFile: string, keyFile: string, names: string[], warn: (line: string) => void): ServerTls {
  for (const file of [certFile, keyFile]) if (!existsSync(file)) throw new UserError(`no file ${file}`);
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  let leaf: X509Certificate;
  try {
    leaf = leafOf(cert);
  } catch (error) {
    throw new UserError(`${certFile} is not a PEM certificate`, { cause: error });
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(key))) throw new Error('another key');
  } catch (error) {
    throw new UserError(`${keyFile} is not the private key of ${certFile}`, { cause: error });
  }
  const missing = names.filter((name) => !covers(leaf, [name]));
  if (missing.length) warn(`the certificate does not cover ${missing.join(', ')} (or expires within a day): browsers there will warn`);
  return { cert, key, fingerprint: leaf.fingerprint256, selfSigned: leaf.issuer === leaf.subject };
}

async function generate(names: string[]): Promise<{ cert: string; key: string }> {
  const keys = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=kubelab workshop',
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + VALID_DAYS * 86_400_000),
    signingAlgorithm: ECDSA,
    keys,
    // No key usage extension: OpenSSL then accepts this certificate as its own trust anchor,
    // which is how the learners' kubeconfigs pin it.
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      new SubjectAlternativeNameExtension(names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value }))),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { cert: certificate.toString('pem'), key };
}

/** A self-signed certificate for these names, made once and kept in dir while it covers them. */
export async function selfSignedTls(dir: string, names: string[]): Promise<ServerTls & { made: boolean }> {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    if (covers(leafOf(cert), names))
      return { cert, key: readFileSync(keyFile, 'utf8'), fingerprint: leafOf(cert).fingerprint256, selfSigned: true, made: false };
  }
  const made = await generate(names);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, made.key, { mode: 0o600 });
  await writeFile(certFile, made.cert);
  return { ...made, fingerprint: leafOf(made.cert).fingerprint256, selfSigned: true, made: true };
}
