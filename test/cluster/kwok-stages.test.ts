// The release-download path installs tools/kwok-stages.yaml; it must equal what the pinned kwok module embeds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ensureBinaries } from '../../src/binaries/index.ts';
import { packageRoot } from '../../src/paths.ts';

it("tools/kwok-stages.yaml is kwok's embedded default stages", async () => {
  const built = readFileSync((await ensureBinaries()).kwokStages, 'utf8');
  const kept = readFileSync(join(packageRoot, 'tools', 'kwok-stages.yaml'), 'utf8').replace(/^#.*\n/gm, '');
  expect(kept).toBe(built);
  expect(built.match(/^kind: Stage$/gm)).toHaveLength(5);
});
