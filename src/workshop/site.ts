// The lab site the learners' browsers load from the workshop server: `kubelab build` of this
// checkout, made once per workshop (--rebuild-site makes it again after the pages changed). It
// snapshots no cluster: every learner's cells are live, each on their own cluster.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../progress.ts';

export async function ensureSite(dir: string, workshop: string, rebuild: boolean, progress: Progress): Promise<void> {
  if (!rebuild && existsSync(join(dir, 'index.html'))) return;
  progress.step('building the lab site for the learners (once per workshop; --rebuild-site makes it again)');
  // The site lists the labs that have a page in labs/; labs from --labs folders have none there
  // (learners find them on their workshop page), so the build does not see those folders.
  const extra = process.env.KUBELAB_LABS;
  delete process.env.KUBELAB_LABS;
  try {
    // A name no cluster has: the pages then say no snapshot was taken, and the cells go live.
    const { build } = await import('../serve.ts');
    await build({ target: { name: `${workshop}-no-snapshot`, provider: 'local' }, output: dir }, progress);
  } finally {
    if (extra !== undefined) process.env.KUBELAB_LABS = extra;
  }
}
