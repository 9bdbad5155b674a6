import { defineConfig } from 'retort-migrate';

export default defineConfig({
  // DATABASE_URL wins when set, e.g. postgres://app@localhost:5432/app or mysql://app@localhost/app.
  url: process.env.DATABASE_URL ?? 'sqlite:./app.db',
  // Revision scripts; `retort revision -m "..."` writes new ones here from script.ts.tmpl.
  migrations: './migrations',
  // The schema `retort revision --autogenerate` compares with the database.
  schema: './src/schema.ts',
});
