import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Once per run: migrate the template (or reuse it while no revision changed).
    globalSetup: ['./global-setup.ts'],
    // Before each test file, in its worker: a copy of the template of this worker's own.
    setupFiles: ['./setup.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // This example imports retort from the repository's own build (dist/), outside
    // node_modules: load it as Node does, as Vitest does for packages in node_modules.
    server: { deps: { external: [/\/dist\//] } },
    poolOptions: { forks: { minForks: 3, maxForks: 3 } },
  },
});
