import { defineConfig } from 'retort-migrate';

// Two databases, each with its own revisions and schema. Pick one with `--target main`, or run
// them all with `retort upgrade head --all-targets`.
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
