// The etcd lab's verdicts as pure functions: where on the machine etcd keeps its data, read off
// its mirror pod however the manifest was edited, and which of the lost objects are back.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { etcdHostDataDir, restoreProblems } from '../../checks/etcd-backup/judge.ts';
import { etcdDataRows } from '../../labs/components/control-plane.ts';

const etcdPod = (dataDir: string, mountPath: string, hostPath: string): V1Pod => ({
  metadata: { name: 'etcd-kub1', labels: { component: 'etcd', tier: 'control-plane' } },
  spec: {
    containers: [
      {
        name: 'etcd',
        command: ['etcd', '--name=kub1', `--data-dir=${dataDir}`],
        volumeMounts: [
          { name: 'etcd-certs', mountPath: '/etc/kubernetes/pki/etcd' },
          { name: 'etcd-data', mountPath },
        ],
      },
    ],
    volumes: [
      { name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd' } },
      { name: 'etcd-data', hostPath: { path: hostPath } },
    ],
  },
});

describe('etcd’s data directory on the machine', () => {
  it('is kubeadm’s /var/lib/etcd as it starts', () => {
    expect(etcdHostDataDir(etcdPod('/var/lib/etcd', '/var/lib/etcd', '/var/lib/etcd'))).toBe('/var/lib/etcd');
  });

  it('follows every way of pointing etcd elsewhere: all three paths, or only the volume', () => {
    expect(etcdHostDataDir(etcdPod('/var/lib/etcd-restored', '/var/lib/etcd-restored', '/var/lib/etcd-restored'))).toBe(
      '/var/lib/etcd-restored',
    );
    expect(etcdHostDataDir(etcdPod('/var/lib/etcd', '/var/lib/etcd', '/var/lib/etcd-from-backup'))).toBe('/var/lib/etcd-from-backup');
    // A data directory below the mount lives below the volume's path on the machine.
    expect(etcdHostDataDir(etcdPod('/data/member-2', '/data', '/srv/etcd'))).toBe('/srv/etcd/member-2');
  });

  it('is unknown without a flag or a volume behind it', () => {
    expect(etcdHostDataDir(undefined)).toBeUndefined();
    expect(etcdHostDataDir(etcdPod('/var/lib/etcd', '/elsewhere', '/var/lib/etcd'))).toBeUndefined();
  });

  it('shows on the page as the flag and the volume', () => {
    expect(etcdDataRows([etcdPod('/var/lib/etcd', '/var/lib/etcd', '/var/lib/etcd-from-backup')]).map((r) => r.path)).toEqual([
      '/var/lib/etcd',
      '/var/lib/etcd-from-backup',
    ]);
  });
});

describe('the lost objects', () => {
  const recorded = { namespace: 'ns-uid', configMaps: { 'order-1001': 'a', 'order-1002': 'b' } };

  it('are back when namespace and ConfigMaps have their old uids', () => {
    expect(restoreProblems(recorded, { namespace: 'ns-uid', configMaps: { 'order-1001': 'a', 'order-1002': 'b' } }, 'orders')).toEqual([]);
  });

  it('are not when missing or made again', () => {
    expect(restoreProblems(recorded, { configMaps: {} }, 'orders')).toEqual(['namespace orders is missing']);
    expect(restoreProblems(recorded, { namespace: 'new', configMaps: {} }, 'orders')).toEqual([
      'namespace orders is a new one (another uid), not the one that was lost',
    ]);
    expect(restoreProblems(recorded, { namespace: 'ns-uid', configMaps: { 'order-1001': 'z' } }, 'orders')).toEqual([
      'ConfigMap orders/order-1001 is a new one (another uid)',
      'ConfigMap orders/order-1002 is missing',
    ]);
  });
});
