// The signature the bootstrapsigner controller puts into kube-public/cluster-info for each
// signing token: a JWS (RFC 7515) with the HS256 algorithm, keyed by the token secret, whose
// payload (the kubeconfig) is left out of the serialized form ("detached", RFC 7515 appendix F).
import { createHmac, timingSafeEqual } from 'node:crypto';

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function sign(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** The detached JWS "<header>..<signature>" over content, as the bootstrapsigner computes it. */
export function detachedSignature(content: string, tokenId: string, tokenSecret: string): string {
  // Same member order as go-jose, so the result is byte-for-byte what the controller writes.
  const header = base64url(JSON.stringify({ alg: 'HS256', kid: tokenId }));
  return `${header}..${base64url(sign(`${header}.${base64url(content)}`, tokenSecret))}`;
}

/**
 * True when jws is a valid detached HS256 signature of content by this token: the header
 * names HS256 and the token id, and the MAC matches (compared in constant time).
 */
export function verifyDetachedSignature(jws: string, content: string, tokenId: string, tokenSecret: string): boolean {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') return false;
  const [header = '', , signature = ''] = parts;
  let fields: { alg?: unknown; kid?: unknown };
  try {
    fields = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof fields;
  } catch {
    return false;
  }
  if (fields.alg !== 'HS256' || fields.kid !== tokenId) return false;
  const expected = sign(`${header}.${base64url(content)}`, tokenSecret);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
