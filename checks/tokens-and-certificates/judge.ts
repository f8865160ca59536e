// How the lab's answers are judged, as pure functions of recorded objects and certificates, so
// the unit tests need no cluster. Each verdict says what is wrong, never what to type.
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { TokenFacts } from '../../src/engine/sdk.ts';
import { BACKDATE_MS, DISCOVERY, POLICY } from './constants.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const POLICY_MS = POLICY.days * DAY;

/** How far a lifetime may be from the policy: kubeadm's backdate, or a hand-made certificate's own. */
const LIFETIME_TOLERANCE_MS = 2 * BACKDATE_MS;

/** How far an expiration may overshoot the hour: a time written by hand is often rounded up. */
const TTL_TOLERANCE_MS = 5 * 60_000;

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: HOUR };

/** A Go duration as kubeadm reads one (2160h, 2160h0m0s, 1.5h), in milliseconds; undefined if it is none. */
export function goDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(text.trim())) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.trim().matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * UNITS[unit!]!;
  return total;
}

export const days = (ms: number) => `${Math.round((ms / DAY) * 10) / 10} days`;

interface Validity {
  validFrom: string;
  validTo: string;
}

/** Why a certificate does not live as long as the policy says, or undefined when it does. */
export function lifetimeProblem(cert: Validity): string | undefined {
  const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
  if (Math.abs(lifetime - POLICY_MS - BACKDATE_MS) <= LIFETIME_TOLERANCE_MS) return undefined;
  return `it is valid for ${days(lifetime)}, until ${new Date(cert.validTo).toISOString()}`;
}

/** When a certificate that follows the policy was issued: kubeadm counts its lifetime from then. */
export const issuedAt = (cert: Validity) => new Date(Date.parse(cert.validTo) - POLICY_MS);

/** The parsed ClusterConfiguration kubeadm keeps in the cluster, or undefined when it does not parse. */
export function clusterConfiguration(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = parse(text ?? '') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The top-level settings that differ between two ClusterConfigurations, the policy's own aside. */
export function changedSettings(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete(POLICY.setting);
  return [...keys].filter((key) => !isDeepStrictEqual(before[key], after[key])).sort();
}

/** Tokens that never expire (one whose expiration does not parse is expired, not eternal). */
export const foreverTokens = (tokens: TokenFacts[]) => tokens.filter((t) => !t.expires && !t.badExpiration);

export interface StartToken {
  id: string;
  /** ISO time; absent for a token that never expires. */
  expires?: string;
}

/**
 * Tokens the cluster had when the lab started, not yet expired, that are gone besides the planted
 * one: deleting every token also deletes the ones new nodes join with.
 */
export function lostTokens(start: StartToken[], plantedId: string, present: TokenFacts[], now: Date): string[] {
  const ids = new Set(present.map((t) => t.id));
  return start
    .filter((t) => t.id !== plantedId && !ids.has(t.id))
    .filter((t) => t.expires === undefined || Date.parse(t.expires) > now.getTime())
    .map((t) => t.id);
}

/** Why a token is not one for discovery only, or undefined when it is. */
export function discoveryProblem(token: TokenFacts, now: Date): string | undefined {
  if (!token.wellFormed)
    return `token ${token.id}'s id or secret is not in the form kubeadm join accepts (6 and 16 lower-case letters or digits)`;
  if (!token.signing) return `token ${token.id} may not sign, so cluster-info carries no signature made with it`;
  if (token.authentication)
    return `token ${token.id} may also authenticate: anyone holding it can talk to the API server as a bootstrapper`;
  if (token.badExpiration)
    return `token ${token.id}'s expiration ${token.badExpiration} is not an RFC 3339 time, so the cluster treats the token as expired`;
  if (!token.expires) return `token ${token.id} never expires`;
  const lifetime = token.expires.getTime() - token.created.getTime();
  if (lifetime > DISCOVERY.maxHours * HOUR + TTL_TOLERANCE_MS)
    return `token ${token.id} lives ${Math.round((lifetime / HOUR) * 10) / 10} h from its creation`;
  if (token.expires.getTime() <= now.getTime()) return `token ${token.id} expired at ${token.expires.toISOString()}`;
  if (!token.description.trim()) return `token ${token.id} has no description, so the next person cannot tell what it is for`;
  return undefined;
}
