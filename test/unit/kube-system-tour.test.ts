// The kube-system tour's judging, as pure functions of recorded objects.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  addonHow,
  blockingTaints,
  controlPlaneHow,
  judgeHow,
  managersOf,
  readHow,
  settingsDiff,
} from '../../checks/kube-system-tour/judge.ts';

const mirrorPod = (component: string): V1Pod => ({
  metadata: { name: `${component}-kub1`, labels: { component }, annotations: { 'kubernetes.io/config.mirror': 'abc' } },
});

describe('readHow', () => {
  it('reads the ways people write each answer', () => {
    expect(['Static Pod', 'static_pod', 'mirror pod'].map(readHow)).toEqual(['static-pod', 'static-pod', 'static-pod']);
    expect(['DS', 'DaemonSet', 'deploy', 'No pod', 'process'].map(readHow)).toEqual([
      'daemonset',
      'daemonset',
      'deployment',
      'process',
      'process',
    ]);
    expect(readHow('  ')).toBeUndefined();
  });

  it('asks about a ReplicaSet rather than accepting or silently refusing it', () => {
    expect(readHow('ReplicaSet')).toEqual({ unknown: 'ReplicaSet (a ReplicaSet runs the pods, but what made the ReplicaSet?)' });
    expect(readHow('systemd')).toEqual({ unknown: 'systemd (not one of static-pod, daemonset, deployment, process)' });
  });
});

describe('how components run', () => {
  it('a mirror pod labelled for the component means a static pod; no pod means a process', () => {
    expect(controlPlaneHow('etcd', [mirrorPod('etcd')])).toBe('static-pod');
    expect(controlPlaneHow('kube-scheduler', [mirrorPod('etcd')])).toBe('process');
    // A pod with the label but no mirror annotation was made through the API, not by a kubelet's file.
    expect(controlPlaneHow('etcd', [{ metadata: { labels: { component: 'etcd' } } }])).toBe('process');
  });

  it('an addon is the controller of its name, even with no pods', () => {
    const deployments = [{ metadata: { name: 'coredns' } }];
    const daemonSets = [{ metadata: { name: 'kube-proxy' } }];
    expect(addonHow('coredns', deployments, daemonSets)).toBe('deployment');
    expect(addonHow('kube-proxy', deployments, daemonSets)).toBe('daemonset');
    expect(addonHow('kube-proxy', deployments, [])).toBeUndefined();
  });

  it('counts wrong answers without naming them, and names missing keys and unknown words', () => {
    const truth = new Map([
      ['etcd', 'static-pod' as const],
      ['kube-apiserver', 'static-pod' as const],
      ['coredns', 'deployment' as const],
    ]);
    expect(judgeHow({ ETCD: 'static', 'kube-apiserver': 'Static Pod', coredns: 'Deployment' }, truth)).toEqual({ ok: true });
    expect(judgeHow({ etcd: 'process', 'kube-apiserver': 'process', coredns: 'rs' }, truth)).toEqual({
      ok: false,
      found: 'coredns: rs (a ReplicaSet runs the pods, but what made the ReplicaSet?); 2 of 3 are not how they run on this cluster',
    });
    expect(judgeHow({ etcd: 'static-pod' }, truth)).toEqual({ ok: false, found: 'no key "kube-apiserver"; no key "coredns"' });
  });
});

describe('restored settings', () => {
  const cluster = 'clusterCIDR: 10.244.0.0/16\nmode: iptables\nconntrack:\n  maxPerCore: 0\n';

  it('names each setting that differs from the cluster’s, with both values', () => {
    expect(settingsDiff(cluster, cluster)).toEqual([]);
    expect(settingsDiff(cluster, 'clusterCIDR: ""\nmode: iptables\nconntrack:\n  maxPerCore: null\n')).toEqual([
      'clusterCIDR: "" (the cluster\'s is "10.244.0.0/16")',
      "conntrack.maxPerCore: null (the cluster's is 0)",
    ]);
    expect(settingsDiff(cluster, undefined)).toHaveLength(3);
  });

  it('lists the managers that wrote an object, leaving out status writers', () => {
    const object = {
      metadata: {
        managedFields: [
          { manager: 'kubeadm', operation: 'Update' },
          { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status' },
        ],
      },
    };
    expect(managersOf(object)).toEqual(['kubeadm']);
    expect(managersOf(undefined)).toEqual([]);
  });
});

describe('blockingTaints', () => {
  const controlPlane = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];

  it('a toleration by key, or operator Exists with no key, lets a pod past the control plane’s taint', () => {
    expect(blockingTaints(controlPlane, undefined)).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
    expect(blockingTaints(controlPlane, [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }])).toEqual([]);
    expect(blockingTaints(controlPlane, [{ operator: 'Exists' }])).toEqual([]);
    expect(
      blockingTaints(controlPlane, [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoExecute' }]),
    ).toHaveLength(1);
    expect(blockingTaints([{ key: 'x', effect: 'PreferNoSchedule' }], [])).toEqual([]);
  });
});
