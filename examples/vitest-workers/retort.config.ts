import { defineConfig } from 'retort-migrate';

// The database the tests' template and per-worker copies are made next to (never written to).
export default defineConfig({
  url: process.env.DATABASE_URL ?? 'sqlite:./app.db',
  migrations: './migrations',
});
