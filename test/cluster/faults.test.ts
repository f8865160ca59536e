// Faults a learner meets: each gets one clear line naming the problem and the fix.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { components } from '../../src/binaries/versions.ts';
import { paths, readRecord } from '../../src/cluster/local/state.ts';
import { isolateState, kubelab } from '../helpers/cluster.ts';

const home = isolateState();
const env = { KUBELAB_HOME: home };
const NAME = 't-faults';

function oneLine(result: { status: number; stderr: string }, pattern: RegExp): void {
  expect(result.status, result.stderr).not.toBe(0);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('•') && !l.startsWith('  '));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

beforeAll(() => {
  const up = kubelab(['up', '--name', NAME, '--nodes', '2'], env);
  expect(up.status, up.stderr).toBe(0);
  expect(kubelab(['down', '--name', NAME], env).status).toBe(0);
});

afterAll(() => {
  kubelab(['delete', '--name', NAME], env);
});

describe('faults', () => {
  it('a wrong-version binary is named, with the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-bin-'));
    for (const c of components) {
      writeFileSync(join(dir, c), '#!/bin/sh\necho "Kubernetes v1.30.0"\n');
      chmodSync(join(dir, c), 0o755);
    }
    oneLine(
      kubelab(['up', '--name', NAME], { ...env, KUBELAB_BIN_DIR: dir }),
      /kube-apiserver is not kube-apiserver v1\.36\.3 \(it says: Kubernetes v1\.30\.0\) — remove .* \(or unset KUBELAB_BIN_DIR\)/,
    );
  });

  it('a missing binary is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-bin-'));
    oneLine(kubelab(['up', '--name', NAME], { ...env, KUBELAB_BIN_DIR: dir }), /lacks kube-apiserver, kube-controller-manager/);
  });

  it('a port already in use is named, and the cluster is left untouched', async () => {
    const port = readRecord(NAME)!.ports.apiserver;
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      oneLine(
        kubelab(['up', '--name', NAME], env),
        new RegExp(`port ${port} \\(apiserver\\) of this cluster is already in use — stop what listens there`),
      );
    } finally {
      blocker.close();
    }
  });

  it('a component that exits at start is named with its log, and nothing is left running', () => {
    const cert = join(paths(NAME).pki, 'apiserver.crt');
    writeFileSync(cert, 'not a certificate\n');
    const result = kubelab(['up', '--name', NAME], env);
    oneLine(result, /kube-apiserver exits at start \(exit code 1\): .* — log: .*logs\/kube-apiserver\.log/);
    const status = kubelab(['status', '--name', NAME, '--json'], env);
    expect(JSON.parse(status.stdout).running).toBe(false);
  });
});
