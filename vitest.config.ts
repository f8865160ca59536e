import { defineConfig } from 'vitest/config';

// Tests name kind where they mean it (test/cluster/kind.test.ts); everywhere else a new cluster
// is a local one, whether or not this machine has Docker and the kind node image.
const env = { KUBELAB_PROVIDER: 'local' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'cluster',
          env,
          include: ['test/cluster/**/*.test.ts'],
          // Each file starts real control planes; on 2 cores they run one file at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          globalSetup: ['test/helpers/binaries.setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['test/e2e/**/*.test.ts'],
          // A real cluster, `kubelab serve` and headless Chromium: after the other projects, one file at a time.
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          globalSetup: ['test/helpers/binaries.setup.ts', 'test/e2e/setup.ts'],
        },
      },
    ],
  },
});
