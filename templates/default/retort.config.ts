import { defineConfig } from 'retort-migrate';

export default defineConfig({
  // DATABASE_URL wins when set, e.g. postgres://app@localhost:5432/app or mysql://app@localhost/app.
  url: process.env.DATABASE_URL ?? 'sqlite:./app.db',
  // Revision scripts; `retort revision -m "..."` writes new ones here from script.ts.tmpl.
  migrations: './migrations',
  // The schema `retort revision --autogenerate` compares with the database.
  schema: './src/schema.ts',
  // Revision ids: 'random' (12 hex characters, the default, safe for parallel branches),
  // 'sequential' (0001, 0002, ... as sqlalchemy-migrate numbers them) or 'date' (20260131120000).
  // revisionIds: 'sequential',
});
