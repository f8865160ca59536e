// Reading certificates' fields from their ASN.1 structure (@peculiar/x509) rather than from
// the text Node or openssl prints, and writing IP addresses in one canonical form, so that
// answers copied from openssl, the API's addresses and the certificates compare equal.
import type { X509Certificate as NodeCertificate } from 'node:crypto';
import { SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';
import ipaddr from 'ipaddr.js';

const parsed = (cert: NodeCertificate) => new X509Certificate(cert.raw);

/**
 * An IP address as the API server writes it: dotted IPv4, RFC 5952 IPv6. An IPv4-mapped IPv6
 * address stays IPv6 (::ffff:10.10.10.101): it is another SAN than 10.10.10.101. Undefined for
 * what is not an address; IPv4 in other than four decimal parts is not one (010 is not 8).
 */
export function canonicalIp(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  const ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv4') return ipaddr.IPv4.isValidFourPartDecimal(text) ? ip.toString() : undefined;
  const v6 = ip as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
}

function namesOf(cert: NodeCertificate, type: 'ip' | 'dns'): string[] {
  const san = parsed(cert).getExtension(SubjectAlternativeNameExtension);
  return (san?.names.items ?? []).filter((name) => name.type === type).map((name) => name.value);
}

/** The certificate's IP SANs, canonical and sorted. */
export function ipSans(cert: NodeCertificate): string[] {
  return [...new Set(namesOf(cert, 'ip').map((ip) => canonicalIp(ip) ?? ip))].sort();
}

/** The certificate's DNS SANs, lower-case and sorted (DNS names compare without case). */
export function dnsSans(cert: NodeCertificate): string[] {
  return [...new Set(namesOf(cert, 'dns').map((name) => name.toLowerCase()))].sort();
}

/** Every SAN, written as openssl lists them: DNS:kubernetes, IP:10.10.0.1. */
export function allSans(cert: NodeCertificate): string[] {
  return [...dnsSans(cert).map((name) => `DNS:${name}`), ...ipSans(cert).map((ip) => `IP:${ip}`)];
}

/** Every value of one subject attribute (CN, O…), in order. */
export function subjectField(cert: NodeCertificate, field: string): string[] {
  return parsed(cert).subjectName.getField(field);
}

/** The subject or issuer as RFC 4514 writes it, for messages: O=system:nodes, CN=system:node:kub4. */
export function nameLine(cert: NodeCertificate, which: 'subject' | 'issuer'): string {
  return parsed(cert)[which];
}
