import { describe, expect, it } from 'vitest';
import { defaultShape, nthAddress, parseCidr, parseNodes, validateShape } from '../../src/cluster/shape.ts';
import { UserError } from '../../src/errors.ts';

describe('cluster shape', () => {
  it('defaults to the source notes: kub1 control plane, kub2 and kub3 workers, 10.244.0.0/16 and 10.10.0.0/16', () => {
    const shape = validateShape(defaultShape());
    expect(shape.nodes.map((n) => `${n.name}:${n.role}:${n.maxPods}`)).toEqual([
      'kub1:control-plane:110',
      'kub2:worker:110',
      'kub3:worker:110',
    ]);
    expect(shape.podSubnet).toBe('10.244.0.0/16');
    expect(shape.serviceSubnet).toBe('10.10.0.0/16');
  });

  it('reads --nodes as a count or as names, the first being the control plane', () => {
    expect(parseNodes('5').map((n) => n.name)).toEqual(['kub1', 'kub2', 'kub3', 'kub4', 'kub5']);
    expect(parseNodes('cp, w1 ,w2', 250).map((n) => `${n.name}:${n.role}:${n.maxPods}`)).toEqual([
      'cp:control-plane:250',
      'w1:worker:250',
      'w2:worker:250',
    ]);
    expect(() => parseNodes(',')).toThrow(UserError);
  });

  it('names the bad field', () => {
    const bad = (patch: object) => () => validateShape({ ...defaultShape(), ...patch });
    expect(bad({ podSubnet: '10.244.0.0/33' })).toThrow(/invalid pod CIDR "10.244.0.0\/33"/);
    expect(bad({ serviceSubnet: 'banana' })).toThrow(/invalid service CIDR "banana"/);
    expect(bad({ podSubnet: '10.244.1.0/16' })).toThrow(/host bits are set/);
    expect(bad({ podSubnet: '10.0.0.0/8' })).toThrow(/overlaps service CIDR/);
    expect(bad({ serviceSubnet: '10.0.0.0/8', podSubnet: '192.168.0.0/16' })).toThrow(/too large/);
    expect(bad({ advertiseAddress: '300.1.1.1' })).toThrow(/invalid advertise address/);
    expect(bad({ name: 'Bad_Name' })).toThrow(/invalid cluster name/);
    expect(bad({ nodes: [{ name: 'a', role: 'worker', maxPods: 10 }] })).toThrow(/exactly one control-plane/);
    expect(bad({ nodes: [{ name: 'a', role: 'control-plane', maxPods: 0 }] })).toThrow(/invalid max pods 0/);
    expect(
      bad({
        nodes: [
          { name: 'a', role: 'control-plane', maxPods: 10 },
          { name: 'a', role: 'worker', maxPods: 10 },
        ],
      }),
    ).toThrow(/named twice/);
  });

  it('does CIDR arithmetic for IPv4 and IPv6', () => {
    expect(nthAddress('10.10.0.0/16', 1)).toBe('10.10.0.1');
    expect(nthAddress('10.10.0.0/16', 10)).toBe('10.10.0.10');
    expect(parseCidr('fd00::/108').prefix).toBe(108);
    expect(nthAddress('fd00::/108', 1)).toBe('fd00::1');
    expect(nthAddress('10.10.0.0/16', 256)).toBe('10.10.1.0');
    // An IPv4-mapped IPv6 range is an IPv6 range, not the IPv4 one it maps.
    expect(parseCidr('::ffff:10.0.0.0/104').family).toBe(6);
    expect(() => validateShape({ ...defaultShape(), podSubnet: '::ffff:10.10.0.0/112' })).not.toThrow();
  });
});
