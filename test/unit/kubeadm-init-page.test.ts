// The kubeadm-init page tells the provider from the live Nodes and writes control-plane commands
// for it: the local provider's carry kubelab's kubeadm.yaml, kind's go into the control-plane
// container, and with no cluster the page shows both rather than guessing.
import { describe, expect, it } from 'vitest';
import { controlPlaneKubeadm, machineOf, pkiList, pkiRead } from '../../labs/components/kubeadm-init.ts';

const kwokNode = (name: string) => ({ metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: {} } });
const kindNode = (name: string, container: string, role?: string) => ({
  metadata: { name, labels: role ? { [`node-role.kubernetes.io/${role}`]: '' } : {} },
  spec: { providerID: `kind://docker/labs/${container}` },
});

describe('which provider the page writes commands for', () => {
  it('tells kwok’s nodes (local) from kind’s, and names kind’s control-plane container', () => {
    expect(machineOf([kwokNode('kub1'), kwokNode('kub2')])).toEqual({ provider: 'local', controlPlane: null });
    const kind = [kindNode('kub2', 'labs-worker'), kindNode('kub1', 'labs-control-plane', 'control-plane')];
    expect(machineOf(kind)).toEqual({ provider: 'kind', controlPlane: 'labs-control-plane' });
    expect(machineOf([])).toEqual({ provider: null, controlPlane: null });
    expect(machineOf(undefined)).toEqual({ provider: null, controlPlane: null });
  });

  it('writes kubeadm on the control plane as each provider needs it', () => {
    expect(controlPlaneKubeadm({ provider: 'local', controlPlane: null }, 'certs check-expiration')).toBe(
      'kubeadm certs check-expiration --config "$(dirname "$KUBECONFIG")/kubeadm.yaml"',
    );
    expect(controlPlaneKubeadm({ provider: 'kind', controlPlane: 'labs-control-plane' }, 'certs check-expiration')).toBe(
      'docker exec labs-control-plane kubeadm certs check-expiration',
    );
    const both = controlPlaneKubeadm({ provider: null, controlPlane: null }, 'certs check-expiration');
    expect(both).toContain('# local provider:');
    expect(both).toContain('docker exec <cluster>-control-plane kubeadm certs check-expiration');
  });

  it('reads the PKI through cat, so openssl runs on this machine on either provider', () => {
    expect(pkiRead({ provider: 'kind', controlPlane: 'labs-control-plane' }, 'ca.crt', 'openssl x509 -noout -subject')).toBe(
      'docker exec labs-control-plane cat /etc/kubernetes/pki/ca.crt | openssl x509 -noout -subject',
    );
    expect(pkiRead({ provider: 'local', controlPlane: null }, 'ca.crt')).toBe('cat "$(dirname "$KUBECONFIG")/pki/ca.crt"');
    expect(pkiList({ provider: 'kind', controlPlane: 'labs-control-plane' })).toBe('docker exec labs-control-plane ls /etc/kubernetes/pki');
  });
});
