// The workshop and authoring commands, given bad input: one clear line and a non-zero exit, never
// a stack trace. None of these needs a cluster; a workshop record without clusters stands in.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubelab } from '../helpers/cluster.ts';

const home = mkdtempSync(join(tmpdir(), 'kubelab-workshop-cli-'));
const env = { KUBELAB_HOME: home, KUBELAB_LABS: undefined };
const roster = join(home, 'names.txt');
writeFileSync(roster, 'Ada Lovelace\nada lovelace\n');
mkdirSync(join(home, 'workshops', 'class'), { recursive: true });
writeFileSync(
  join(home, 'workshops', 'class', 'workshop.json'),
  JSON.stringify({
    createdBy: 'kubelab-workshop',
    name: 'class',
    createdAt: new Date().toISOString(),
    provider: 'local',
    learners: [{ id: 'ada', name: 'Ada', cluster: 'class-ada', token: 'a'.repeat(43), created: false }],
    instructorToken: 'i'.repeat(43),
    labs: [],
    labDirs: [],
  }),
);

function oneLine(args: string[], status: number, pattern: RegExp): void {
  const result = kubelab(args, env);
  expect(result.status, result.stderr).toBe(status);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('• '));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('kubelab workshop, bad input', () => {
  it('neither --learners nor --roster', () => oneLine(['workshop', 'up'], 1, /^kubelab: give either --learners N or --roster FILE/));
  it('a learner count that is not a number', () =>
    oneLine(['workshop', 'up', '--learners', 'x'], 1, /--learners must be a whole number, not "x"/));
  it('no learners', () => oneLine(['workshop', 'up', '--learners', '0'], 1, /--learners 0 is out of range/));
  it('a roster naming one person twice', () =>
    oneLine(
      ['workshop', 'up', '--roster', roster],
      1,
      /names.txt line 2: "ada lovelace" and "Ada Lovelace" would both be learner "ada-lovelace"/,
    ));
  it('a roster that is not there', () => oneLine(['workshop', 'up', '--roster', join(home, 'none.txt')], 1, /no roster file/));
  it('a bad workshop name', () =>
    oneLine(['workshop', 'up', '--name', 'Class_1', '--learners', '2'], 1, /invalid workshop name "Class_1"/));
  it('kind for a workshop on local', () =>
    oneLine(['workshop', 'up', '--name', 'class', '--learners', '1', '--provider', 'kind'], 1, /workshop "class" runs on local/));
  it('a workshop that does not exist', () =>
    oneLine(['workshop', 'status', '--name', 'nope'], 1, /no workshop named "nope" — create it with/));
  it('a learner who is not in the workshop', () =>
    oneLine(['workshop', 'reset', 'bob', '--name', 'class'], 1, /the workshop has no learner "bob" — choose one of: ada/));
  it('a lab that does not exist', () => oneLine(['workshop', 'start', 'nolab', '--name', 'class'], 1, /unknown lab "nolab"/));
  it('a report format that does not exist', () =>
    oneLine(['workshop', 'grade', '--name', 'class', '--format', 'xml'], 2, /argument 'xml' is invalid/));
  it('a listen address that is not one', () =>
    oneLine(
      ['workshop', 'serve', '--name', 'class', '--no-site', '--listen', 'evil.example:1'],
      1,
      /--listen "evil.example:1" is not an address/,
    ));
  it('a certificate without its key', () =>
    oneLine(['workshop', 'serve', '--name', 'class', '--no-site', '--cert', roster], 1, /give --cert and --key together/));
  it('a certificate that is not one', () =>
    oneLine(
      ['workshop', 'serve', '--name', 'class', '--no-site', '--cert', roster, '--key', roster],
      1,
      /names.txt is not a PEM certificate/,
    ));
  it('a port in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      oneLine(
        ['workshop', 'serve', '--name', 'class', '--no-site', '--listen', `127.0.0.1:${port}`],
        1,
        new RegExp(`127.0.0.1:${port} is in use`),
      );
    } finally {
      taken.close();
    }
  });
});

describe('kubelab new-lab and test, bad input', () => {
  it('a lab id that is not one', () => oneLine(['new-lab', 'My_Lab'], 1, /invalid lab id "My_Lab"/));
  it('a lab that exists', () => oneLine(['new-lab', 'hello', '--dir', join('examples', 'labs')], 1, /hello exists — choose another id/));
  it('testing a lab that does not exist', () => oneLine(['test', 'nolab'], 1, /unknown lab "nolab"/));
  it('a lab folder that does not exist', () => oneLine(['--labs', join(home, 'nowhere'), 'labs'], 1, /no lab folder/));
});
