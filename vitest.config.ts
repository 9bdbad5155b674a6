import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run in parallel processes, each with its own database(s). Vitest's default is one
 * process per core minus one, a single process on a 2-core CI machine; but most of a file's time
 * is spent waiting on a server or on a child `retort` process, so a core more keeps the machine
 * busy. RETORT_TEST_WORKERS overrides it (1 runs the files one at a time, e.g. to time one).
 */
const workers = Number(process.env.RETORT_TEST_WORKERS) || Math.max(2, availableParallelism() + 1);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: workers, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
  },
});
