// Labs are found by scanning folders: the course in its order, a lab from any folder, and a
// folder that does not hold a valid lab stops discovery with one line naming file and field.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverLabs } from '../../src/engine/discover.ts';
import { COURSE_DIR, labs } from '../../src/engine/registry.ts';
import { packageRoot } from '../../src/paths.ts';

const EXAMPLES = join(packageRoot, 'examples', 'labs');
const bad = (name: string) => join(packageRoot, 'test', 'unit', 'fixtures', 'bad-labs', name);

async function failure(dirs: string[]): Promise<string> {
  const error = await discoverLabs(dirs).then(
    () => undefined,
    (e: unknown) => e as Error & { fix?: string },
  );
  expect(error, 'discovery succeeded').toBeDefined();
  const line = `${error!.message}${error!.fix ? ` — ${error!.fix}` : ''}`;
  expect(line.split('\n')).toHaveLength(1);
  return line;
}

describe('lab discovery', () => {
  it('finds the course in checks/, in course order', async () => {
    expect(labs.map((l) => l.id)).toEqual([
      'kubeadm-init',
      'api-versions',
      'max-pods',
      'drain',
      'kube-system-tour',
      'tokens-and-certificates',
      'etcd-backup',
      'pod-network',
    ]);
    expect((await discoverLabs([COURSE_DIR])).map((l) => l.id)).toEqual(labs.map((l) => l.id));
  });

  it('loads a lab from any folder it is given, after the labs that give an order', async () => {
    const found = await discoverLabs([COURSE_DIR, EXAMPLES]);
    expect(found.map((l) => l.id)).toEqual([
      'kubeadm-init',
      'api-versions',
      'max-pods',
      'drain',
      'kube-system-tour',
      'tokens-and-certificates',
      'etcd-backup',
      'pod-network',
      'hello',
    ]);
    expect(found.at(-1)!.exercises.map((e) => e.id)).toEqual(['greet']);
  });

  it('names the file and the field of a malformed lab', async () => {
    expect(await failure([bad('bad-points')])).toMatch(
      /bad-points\/index\.ts: lab "bad-points" is malformed: exercises\[0\]\.checks\[0\]\.points must be a number ≥ 0 — see checks\/README\.md$/,
    );
  });

  it('names a folder without index.ts, an index.ts without a default export, and an id that is not the folder', async () => {
    expect(await failure([bad('no-index')])).toMatch(
      /no-index\/no-index has no index\.ts — a lab folder's index\.ts default-exports defineLab/,
    );
    expect(await failure([bad('no-default')])).toMatch(/no-default\/index\.ts: default export: must be the lab/);
    expect(await failure([bad('wrong-id')])).toMatch(/wrong-id\/index\.ts: id "hello" must be the name of its folder, "wrong-id"$/);
  });

  it('refuses two labs with one id, and a folder that is not there', async () => {
    expect(await failure([EXAMPLES, EXAMPLES])).toMatch(/hello\/index\.ts: id "hello" is also the id of .*hello\/index\.ts$/);
    expect(await failure([join(EXAMPLES, 'nowhere')])).toMatch(/^no lab folder .*nowhere$/);
  });
});
