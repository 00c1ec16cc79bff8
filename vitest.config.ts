import { defineConfig } from 'vitest/config';

/** Tests that start processes, servers or the local Discord; everything else is a fast unit test. */
const END_TO_END = [
  'test/e2e-*.test.ts',
  'test/play.test.ts',
  'test/content-cli.test.ts',
  'test/store-durability.test.ts',
  'test/store-lease.test.ts',
  'test/store-quarantine.test.ts',
  'test/store-redis.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      // Shuffled, so no unit test can lean on the ones before it.
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: END_TO_END, sequence: { shuffle: true } },
      },
      { extends: true, test: { name: 'e2e', include: END_TO_END } },
      { extends: true, test: { name: 'local-discord', include: ['packages/*/test/**/*.test.ts'] } },
    ],
  },
});
