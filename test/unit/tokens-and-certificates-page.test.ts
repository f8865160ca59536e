// The tokens-and-certificates page reads kubeadm's validity settings and the control plane's last
// starts off the objects its cells watch; what is missing or unreadable shows as such, not as an error.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { controlPlaneStarts, startRows } from '../../labs/components/control-plane.ts';
import { labStarted, validityRows } from '../../labs/components/tokens-and-certificates.ts';

describe('kubeadm’s validity settings', () => {
  it('shows both settings as stored, and says when one is left to kubeadm’s default', () => {
    const cm = { data: { ClusterConfiguration: 'certificateValidityPeriod: 2160h0m0s\nkind: ClusterConfiguration\n' } };
    expect(validityRows(cm)).toEqual([
      { setting: 'certificateValidityPeriod', value: '2160h0m0s' },
      { setting: 'caCertificateValidityPeriod', value: 'not set (kubeadm’s default)' },
    ]);
  });

  it('reads a ConfigMap that is missing or not YAML as no settings', () => {
    expect(validityRows(undefined).map((r) => r.value)).toEqual(['not set (kubeadm’s default)', 'not set (kubeadm’s default)']);
    expect(validityRows({ data: { ClusterConfiguration: 'a: [' } })[0]!.value).toBe('not set (kubeadm’s default)');
  });
});

describe('control-plane starts', () => {
  const pod = (component: string, startedAt?: string, restartCount = 0): V1Pod => ({
    metadata: { name: `${component}-kub1`, labels: { component, tier: 'control-plane' } },
    status: {
      containerStatuses: [
        {
          name: component,
          image: 'x',
          imageID: '',
          restartCount,
          ready: !!startedAt,
          state: startedAt ? { running: { startedAt: new Date(startedAt) } } : {},
        },
      ],
    },
  });

  it('gives one row per component in kubeadm’s order, with restarts, and marks one not running', () => {
    const rows = startRows(controlPlaneStarts([pod('kube-scheduler', '2026-06-01T12:00:05Z', 2), pod('etcd', '2026-06-01T12:00:00Z')]));
    expect(rows).toEqual([
      { component: 'etcd', 'container started': '2026-06-01T12:00:00Z', restarts: 0, ready: 'yes' },
      { component: 'kube-apiserver', 'container started': 'not running', restarts: 0, ready: 'no' },
      { component: 'kube-controller-manager', 'container started': 'not running', restarts: 0, ready: 'no' },
      { component: 'kube-scheduler', 'container started': '2026-06-01T12:00:05Z', restarts: 2, ready: 'yes' },
    ]);
  });

  it('reads when the lab started from its record, and nothing before the lab starts', () => {
    expect(labStarted({ data: { started: '2026-06-01T11:59:00.000Z' } })?.toISOString()).toBe('2026-06-01T11:59:00.000Z');
    expect(labStarted(undefined)).toBeUndefined();
  });
});
