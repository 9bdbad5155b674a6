#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark of the issues, each figure printed as a ratio against a
 * baseline measured in the same run. Pass names to run some only: `npm run bench -- graph sqlite`.
 */
const benches = {
  // Requests sent per revision (a load-independent figure): run it alone with `npm run bench -- statements`.
  statements: async (log) => (await import('./statements.mjs')).benchStatements({ log }),
  graph: async (log) => (await import('./graph.mjs')).benchGraph({ log }),
  sqlite: async (log) => (await import('./upgrade.mjs')).benchUpgrade({ log, dialect: 'sqlite' }),
  postgres: async (log) => (await import('./upgrade.mjs')).benchUpgrade({ log, dialect: 'postgres' }),
  mysql: async (log) => (await import('./upgrade.mjs')).benchUpgrade({ log, dialect: 'mysql' }),
  check: async (log) => (await import('./check.mjs')).benchCheck({ log }),
  fleet: async (log) => (await import('./fleet.mjs')).benchFleet({ log }),
  galera: async (log) => (await import('./galera.mjs')).benchGalera({ log }),
  gitlab: async (log) => (await import('./gitlab.mjs')).benchGitlab({ log }),
  testkit: async (log) => (await import('./testkit.mjs')).benchTestkit({ log }),
  memory: async (log) => (await import('./memory.mjs')).benchMemory({ log }),
};

const wanted = process.argv.slice(2);
const log = (line) => console.log(line);
let failed = false;
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  log(`\n== ${name}`);
  try {
    await run(log);
  } catch (error) {
    failed = true;
    log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exitCode = failed ? 1 : 0;
