// Bad input gets one clear line and a non-zero exit, never a stack trace.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubelab } from '../helpers/cluster.ts';

const env = { KUBELAB_HOME: mkdtempSync(join(tmpdir(), 'kubelab-cli-')) };

function oneLine(result: { status: number; stderr: string }, status: number, pattern: RegExp): void {
  expect(result.status).toBe(status);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('kubelab CLI, bad input', () => {
  it('unknown flag', () => oneLine(kubelab(['up', '--bogus'], env), 2, /^kubelab: unknown option '--bogus'/));
  it('unknown command', () => oneLine(kubelab(['upp'], env), 2, /unknown command 'upp'.*Did you mean up\?/));
  it('invalid pod CIDR', () =>
    oneLine(kubelab(['up', '--pod-cidr', '10.244.0.0/99'], env), 1, /invalid pod CIDR "10.244.0.0\/99" — write it as address\/prefix/));
  it('overlapping CIDRs', () => oneLine(kubelab(['up', '--pod-cidr', '10.10.0.0/24'], env), 1, /overlaps service CIDR 10.10.0.0\/16/));
  it('a max pods that is not a number', () =>
    oneLine(kubelab(['up', '--max-pods', 'lots'], env), 1, /--max-pods must be a whole number, not "lots"/));
  it('an unknown provider', () =>
    oneLine(kubelab(['up', '--provider', 'minikube'], env), 1, /unknown provider "minikube" — choose one of auto, local, kind, existing/));
  it('status of a cluster that does not exist', () =>
    oneLine(kubelab(['status', '--name', 'nope'], env), 1, /no cluster named "nope" — create it with: kubelab up --name nope/));
  it('down of a cluster that does not exist', () => oneLine(kubelab(['down', '--name', 'nope'], env), 1, /no cluster named "nope"/));
  it('a bad cluster name', () => oneLine(kubelab(['up', '--name', 'No_Good'], env), 1, /invalid cluster name "No_Good"/));

  it('help goes to stdout and exits 0', () => {
    const result = kubelab(['--help'], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: kubelab/);
    for (const command of ['up', 'status', 'down', 'delete', 'env', 'kubectl']) expect(result.stdout).toContain(command);
  });
});

describe('kubelab CLI, damaged or absurd input', () => {
  it('a node count out of range', () =>
    oneLine(kubelab(['up', '--nodes', '99999999999'], env), 1, /--nodes 99999999999 is out of range — a lab cluster has 1 to 100 nodes/));

  it('a damaged cluster record', () => {
    const dir = join(env.KUBELAB_HOME, 'clusters', 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kubelab-cluster.json'), JSON.stringify({ createdBy: 'kubelab', provider: 'local' }));
    oneLine(
      kubelab(['status', '--name', 'broken'], env),
      1,
      /kubelab-cluster.json is damaged — delete the cluster with: kubelab delete --name broken/,
    );
  });
});
