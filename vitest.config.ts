import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Inside the test suite, `erlangen` means the sources: the package's `exports` point at the
    // build in dist/, which only the package tests (test/package, test/browser) exercise.
    alias: [
      { find: /^erlangen$/, replacement: src('index.ts') },
      { find: /^erlangen\/testing$/, replacement: src('testing/index.ts') },
      { find: /^erlangen\/gpu$/, replacement: src('backend/gpu/index.ts') },
      { find: /^erlangen\/three$/, replacement: src('three/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
