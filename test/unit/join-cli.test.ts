// kubelab node join refuses bad input before it dials anything: one line, non-zero exit. (An
// endpoint off this machine is refused by the cluster's provider: test/cluster/join.test.ts.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubelab } from '../helpers/cluster.ts';

const env = { KUBELAB_HOME: mkdtempSync(join(tmpdir(), 'kubelab-join-cli-')) };
const HASH = `sha256:${'ab'.repeat(32)}`;

function oneLine(args: string[], status: number, pattern: RegExp): void {
  const result = kubelab(['node', 'join', ...args], env);
  expect(result.status).toBe(status);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

describe('kubelab node join, bad input', () => {
  it('a token not of the form id.secret', () =>
    oneLine(
      ['--token', 'abc', '--discovery-token-ca-cert-hash', HASH],
      1,
      /the bootstrap token "abc" was not of the form "\[a-z0-9\]\{6\}\.\[a-z0-9\]\{16\}"/,
    ));
  it('a hash of the wrong length', () =>
    oneLine(['--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', 'sha256:abcd'], 1, /expected a 32 byte SHA-256 hash/));
  it('a hash in an unknown format', () =>
    oneLine(['--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', 'md5:abcd'], 1, /unknown hash format "md5"/));
  it('no hash at all', () =>
    oneLine(['--token', 'abcdef.0123456789abcdef'], 2, /required option '--discovery-token-ca-cert-hash <hash>' not specified/));
  it('a cluster that does not exist', () =>
    oneLine(
      ['--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', HASH, '--name', 'nope'],
      1,
      /no cluster named "nope"/,
    ));
});
