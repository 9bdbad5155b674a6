import { defineConfig } from 'retort-migrate';

// Two databases, each with its own revisions and schema. Pick one with `--target main`, or run
// them all with `retort upgrade head --all-targets` (add `--concurrency 8`, `--fail-fast`).
export default defineConfig({
  targets: {
    main: {
      url: process.env.DATABASE_URL ?? 'sqlite:./app.db',
      migrations: './migrations/main',
      schema: './src/schema.ts',
    },
    analytics: {
      url: process.env.ANALYTICS_DATABASE_URL ?? 'sqlite:./analytics.db',
      migrations: './migrations/analytics',
      schema: './src/analytics-schema.ts',
    },
  },
});

// One schema per tenant instead: `targets` may be a function, called once per run, that lists the
// tenants (here with a query on PostgreSQL; `npm install pg`). Each tenant gets its own tables and
// its own version table in its schema; all share one migrations folder, read once per run.
//
// import pg from 'pg';
// const url = process.env.DATABASE_URL!;
// export default defineConfig({
//   url,
//   migrations: './migrations/main',
//   targets: async () => {
//     const client = new pg.Client({ connectionString: url });
//     await client.connect();
//     try {
//       const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1");
//       return rows.map((r) => ({ name: r.nspname, dbSchema: r.nspname }));
//     } finally {
//       await client.end();
//     }
//   },
// });
