import { ensureBinaries } from '../../src/binaries/index.ts';
import { consoleProgress } from '../../src/progress.ts';

/** Builds (or finds in the cache) the upstream binaries once, before any cluster test. */
export default async function setup(): Promise<void> {
  await ensureBinaries(consoleProgress());
}
