// The tokens-and-certificates lab's verdicts as pure functions: Go durations as kubeadm reads
// them, certificate lifetimes against the 90-day policy, tokens for discovery only, and which
// control-plane components still run from before a renewal.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  changedSettings,
  clusterConfiguration,
  discoveryProblem,
  foreverTokens,
  goDuration,
  issuedAt,
  lifetimeProblem,
  lostTokens,
} from '../../checks/tokens-and-certificates/judge.ts';
import { controlPlaneRunning, staleComponents } from '../../src/engine/static-pods.ts';
import { tokenFacts, type TokenFacts } from '../../src/engine/tokens.ts';

const HOUR = 3_600_000;
const now = new Date('2026-06-01T12:00:00Z');

const token = (over: Partial<TokenFacts>): TokenFacts => ({
  id: 'abc123',
  description: 'discovery for rack 2',
  created: new Date(now.getTime() - 5 * 60_000),
  expires: new Date(now.getTime() + 40 * 60_000),
  authentication: false,
  signing: true,
  groups: [],
  wellFormed: true,
  ...over,
});

describe('goDuration', () => {
  it('reads the spellings kubeadm accepts and refuses the rest', () => {
    expect(goDuration('2160h')).toBe(2160 * HOUR);
    expect(goDuration('2160h0m0s')).toBe(2160 * HOUR);
    expect(goDuration('129600m')).toBe(2160 * HOUR);
    expect(goDuration('1.5h')).toBe(1.5 * HOUR);
    expect(goDuration('90d')).toBeUndefined();
    expect(goDuration('90 days')).toBeUndefined();
    expect(goDuration(2160)).toBeUndefined();
    expect(goDuration(undefined)).toBeUndefined();
  });
});

describe('certificate lifetime', () => {
  const issued = new Date('2026-06-01T12:00:00Z');
  const at = (ms: number) => new Date(ms).toUTCString();
  const kubeadmCert = (days: number) => ({
    validFrom: at(issued.getTime() - 5 * 60_000),
    validTo: at(issued.getTime() + days * 24 * HOUR),
  });

  it('passes kubeadm’s 90-day renewal (backdated five minutes) and a hand-made one, and dates the renewal', () => {
    expect(lifetimeProblem(kubeadmCert(90))).toBeUndefined();
    expect(lifetimeProblem({ validFrom: at(issued.getTime()), validTo: at(issued.getTime() + 90 * 24 * HOUR) })).toBeUndefined();
    expect(issuedAt(kubeadmCert(90)).toISOString()).toBe(issued.toISOString());
  });

  it('fails a renewal made before the policy, naming its lifetime', () => {
    expect(lifetimeProblem(kubeadmCert(365))).toMatch(/^it is valid for 365 days, until 2027-06-01T12:00:00.000Z$/);
    expect(lifetimeProblem(kubeadmCert(89))).toMatch(/89 days/);
    const late = { validFrom: at(issued.getTime() - 5 * 60_000), validTo: at(issued.getTime() + 90 * 24 * HOUR + 20 * 60_000) };
    expect(lifetimeProblem(late)).toMatch(/^it is valid for 90 days/);
  });
});

describe('ClusterConfiguration', () => {
  const before = clusterConfiguration(
    'kind: ClusterConfiguration\ncertificateValidityPeriod: 8760h0m0s\nnetworking:\n  podSubnet: 10.244.0.0/16\nclusterName: kubernetes\n',
  )!;

  it('ignores the policy itself and names every other setting that changed', () => {
    const edited = { ...before, certificateValidityPeriod: '2160h' };
    expect(changedSettings(before, edited)).toEqual([]);
    const fresh = clusterConfiguration('kind: ClusterConfiguration\ncertificateValidityPeriod: 2160h\n')!;
    expect(changedSettings(before, fresh)).toEqual(['clusterName', 'networking']);
    expect(changedSettings(before, { ...edited, caCertificateValidityPeriod: '2160h' })).toEqual(['caCertificateValidityPeriod']);
  });

  it('reads what is not a mapping as no configuration', () => {
    expect(clusterConfiguration('- a\n- b')).toBeUndefined();
    expect(clusterConfiguration('a: [')).toBeUndefined();
    expect(clusterConfiguration(undefined)).toBeUndefined();
  });
});

describe('token facts', () => {
  const secret = (name: string, fields: Record<string, string>) => ({
    metadata: { name, creationTimestamp: now },
    data: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });

  it('reads an RFC 3339 expiration, and keeps one the API server would not read apart from a token with none', () => {
    expect(tokenFacts(secret('bootstrap-token-abc123', { expiration: '2026-06-01T12:30:00Z' })).expires?.toISOString()).toBe(
      '2026-06-01T12:30:00.000Z',
    );
    for (const bad of ['tomorrow', '2026-06-01 12:30']) {
      const facts = tokenFacts(secret('bootstrap-token-abc123', { expiration: bad }));
      expect(facts).toMatchObject({ expires: undefined, badExpiration: bad });
      expect(foreverTokens([facts])).toEqual([]);
      expect(discoveryProblem({ ...facts, signing: true, description: 'x', wellFormed: true }, now)).toMatch(/is not an RFC 3339 time/);
    }
  });

  it('takes the id from the Secret’s name when the field is missing, and tells a well-formed token', () => {
    expect(tokenFacts(secret('bootstrap-token-abc123', { 'token-secret': '0123456789abcdef' }))).toMatchObject({
      id: 'abc123',
      wellFormed: true,
    });
    expect(tokenFacts(secret('bootstrap-token-ABC', { 'token-secret': 'short' })).wellFormed).toBe(false);
    expect(discoveryProblem(token({ wellFormed: false }), now)).toMatch(/not in the form kubeadm join accepts/);
  });
});

describe('tokens', () => {
  it('passes a signing-only token that lives under an hour, with a description', () => {
    expect(discoveryProblem(token({}), now)).toBeUndefined();
  });

  it('says what is wrong with each near miss', () => {
    expect(discoveryProblem(token({ authentication: true }), now)).toMatch(/may also authenticate/);
    expect(discoveryProblem(token({ signing: false }), now)).toMatch(/may not sign/);
    expect(discoveryProblem(token({ expires: undefined }), now)).toMatch(/never expires/);
    expect(discoveryProblem(token({ expires: new Date(now.getTime() + 2 * HOUR) }), now)).toMatch(/lives 2.1 h/);
    expect(discoveryProblem(token({ created: new Date(now.getTime() - HOUR), expires: new Date(now.getTime() - 60_000) }), now)).toMatch(
      /expired/,
    );
    expect(discoveryProblem(token({ description: ' ' }), now)).toMatch(/no description/);
  });

  it('finds tokens with no expiry, and start tokens deleted besides the planted one, unless they expired anyway', () => {
    expect(foreverTokens([token({}), token({ id: 'zzz999', expires: undefined })]).map((t) => t.id)).toEqual(['zzz999']);
    const start = [{ id: 'abcdef', expires: '2026-06-02T00:00:00Z' }, { id: 'old111', expires: '2026-05-01T00:00:00Z' }, { id: 'keep22' }];
    expect(lostTokens(start, 'plant1', [token({ id: 'keep22' })], now)).toEqual(['abcdef']);
    expect(lostTokens(start, 'plant1', [token({ id: 'abcdef' }), token({ id: 'keep22' })], now)).toEqual([]);
  });
});

describe('restarts', () => {
  const pod = (component: string, startedAt: string | undefined, ready = true): V1Pod => ({
    metadata: { name: `${component}-kub1`, labels: { component, tier: 'control-plane' } },
    status: {
      containerStatuses: [
        {
          name: component,
          image: 'x',
          imageID: '',
          restartCount: 1,
          ready,
          state: startedAt ? { running: { startedAt: new Date(startedAt) } } : { waiting: {} },
        },
      ],
    },
  });
  const renewed = new Date('2026-06-01T12:00:00Z');

  it('passes when all four started after the renewal and are ready', () => {
    const pods = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => pod(c, '2026-06-01T12:01:00Z'));
    expect(staleComponents(controlPlaneRunning(pods), renewed, 'renewal')).toEqual([]);
  });

  it('names each component that runs from before, is not back, or is not ready', () => {
    const pods = [
      pod('etcd', '2026-06-01T11:00:00Z'),
      pod('kube-apiserver', '2026-06-01T12:01:00Z', false),
      pod('kube-controller-manager', undefined),
      pod('kube-scheduler', '2026-06-01T12:01:00Z'),
    ];
    expect(staleComponents(controlPlaneRunning(pods), renewed, 'renewal')).toEqual([
      'etcd has run since 2026-06-01T11:00:00.000Z, before the renewal at 2026-06-01T12:00:00.000Z',
      'kube-apiserver restarted but is not ready yet',
      'kube-controller-manager is not running',
    ]);
  });
});
