/**
 * The diff skips tables identical to the letter on both sides (src/autogen/identical.ts). That
 * path must change no result: on real schemas (the Danbooru, Pagila and Chinook fixtures, pulled
 * as `pull` writes them) the diff with it equals the diff without it, both for the pulled module
 * as it is (what `check` compares in CI) and for an edited copy in which some tables differ in a
 * column, a default, a NOT NULL, an index or a key name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectDiffOptions } from '../../src/api/autogenerate.js';
import { diffSchemas } from '../../src/autogen/diff.js';
import { identicalTables } from '../../src/autogen/identical.js';
import { postgresDialect } from '../../src/dialects/postgres/index.js';
import { postgresAutogen } from '../../src/dialects/postgres/autogen/index.js';
import { columnSpec, type SchemaModel, type TableSpec } from '../../src/schema/model.js';
import { openPg, type PgFixture } from '../support/pg-autogen.js';
import { FIXTURES, loadDump, pullModule } from '../support/pg-roundtrip.js';

const open: PgFixture[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(open.map((f) => f.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The live model of `file` loaded into a fresh database, and the module `pull` writes from it. */
async function pulled(file: string): Promise<{ live: SchemaModel; declared: SchemaModel }> {
  const fx = await openPg('retort_pgident');
  open.push(fx);
  await loadDump(fx.database.url, join(FIXTURES, file));
  const live = await fx.read();
  const dir = mkdtempSync(join(tmpdir(), 'retort-ident-'));
  dirs.push(dir);
  return { live, declared: postgresAutogen.normalizeDeclared((await pullModule(live, dir)).model) };
}

/** `live` → `declared` as `check` compares them, with or without the fast path. */
const diff = (live: SchemaModel, declared: SchemaModel, fast: boolean) =>
  diffSchemas(live, declared, { ...dialectDiffOptions(postgresDialect), defaultSchema: 'public', fast });

/** Every fifth table edited one way, in turn: a column more, a default, NOT NULL dropped, an index less, the key renamed. */
function edited(model: SchemaModel): SchemaModel {
  const edits: ((t: TableSpec) => TableSpec)[] = [
    (t) => ({ ...t, columns: [...t.columns, { name: 'added_here', spec: columnSpec({ kind: 'text' }) }] }),
    (t) => ({ ...t, columns: t.columns.map((c, i) => (i === t.columns.length - 1 ? { ...c, spec: { ...c.spec, default: { kind: 'literal', value: 7 } } } : c)) }),
    (t) => ({ ...t, columns: t.columns.map((c) => (c.spec.primaryKey ? c : { ...c, spec: { ...c.spec, nullable: !c.spec.nullable } })) }),
    (t) => ({ ...t, indexes: t.indexes.slice(1) }),
    (t) => ({ ...t, constraints: t.constraints.map((c) => (c.kind === 'primaryKey' ? { ...c, name: `${t.name}_renamed_pk` } : c)) }),
  ];
  return { ...model, tables: model.tables.map((t, i) => (i % 5 === 0 ? (edits[(i / 5) % edits.length] as (t: TableSpec) => TableSpec)(t) : t)) };
}

describe('the diff skips identical tables without changing its result', () => {
  for (const file of ['danbooru.postgres.sql', 'pagila-schema.postgres.sql', 'chinook.postgresql.sql']) {
    it(file, async () => {
      const { live, declared } = await pulled(file);
      const byName = new Map(live.tables.map((t) => [t.name, t]));
      const identical = declared.tables.filter((t) => byName.has(t.name) && identicalTables(byName.get(t.name) as TableSpec, t)).length;
      // The path is taken: every table of a pulled module reads back to the letter.
      expect(identical).toBe(declared.tables.length);
      expect(diff(live, declared, true)).toEqual(diff(live, declared, false));
      const changed = edited(declared);
      const full = diff(live, changed, false);
      expect(full.upgrade.length).toBeGreaterThan(0);
      expect(diff(live, changed, true)).toEqual(full);
    }, 60_000);
  }
});
