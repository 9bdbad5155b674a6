/**
 * Chinook (../shared/fixtures/chinook.mysql.sql) through the whole adoption story on MariaDB:
 * load it, `pull` the schema module, autogenerate a revision from an empty second database,
 * `upgrade head` there, and compare both catalogs; `check` then passes on both databases.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogen/diff.js';
import type { DiffOptions } from '../../src/autogen/types.js';
import { parseUrl } from '../../src/config/url.js';
import { mysqlDialect } from '../../src/dialects/mysql/index.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { createTestDatabase, rawQuery } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { createTestProject } from '../support/project.js';
import type { TestProject } from '../support/project.js';

const FIXTURE = '/work/shared/fixtures/chinook.mysql.sql';
const autogen = mysqlDialect.autogen!;
const options: DiffOptions = {
  typesEqual: autogen.typesEqual,
  defaultsEqual: autogen.defaultsEqual,
  expressionsEqual: autogen.expressionsEqual,
  namedEnums: false,
  comments: true,
};

let source: TestDatabase;
let target: TestDatabase;
const projects: TestProject[] = [];

async function readSchema(db: TestDatabase): Promise<SchemaModel> {
  const connection = await mysqlDialect.connect(parseUrl(db.url));
  try {
    return await connection.withSession((s) => autogen.readSchema(s, { include: (t) => !t.startsWith('retort_') }));
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  source = await createTestDatabase('mysql', 'retort_chinook_a');
  target = await createTestDatabase('mysql', 'retort_chinook_b');
  // The fixture has no CREATE DATABASE / USE (see its README): it loads as is, data included.
  const conn = await mysql.createConnection({ uri: source.url, multipleStatements: true });
  try {
    await conn.query(readFileSync(FIXTURE, 'utf8'));
  } finally {
    await conn.end();
  }
}, 120_000);

afterAll(async () => {
  for (const p of projects) p.cleanup();
  await source?.drop();
  await target?.drop();
});

describe('Chinook on MariaDB: pull, autogenerate, upgrade, compare, check', () => {
  it('round-trips every table, column, key, index and constraint', async () => {
    const loaded = await readSchema(source);
    expect(loaded.tables.map((t) => t.name)).toEqual([
      'Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track',
    ]);
    expect(loaded.tables.reduce((n, t) => n + t.columns.length, 0)).toBe(64);

    // pull: the schema module of the loaded database.
    const a = createTestProject({ url: source.url, schema: './schema.ts' });
    projects.push(a);
    const pulled = await a.retort.pull();
    expect(pulled.tables).toHaveLength(11);
    const moduleText = readFileSync(pulled.path, 'utf8');
    expect(moduleText).toContain("ArtistId: integer().notNull().references('Artist.ArtistId', { name: 'FK_AlbumArtistId' }),");
    expect(moduleText).toContain('Total: numeric(10, 2).notNull(),');
    expect(moduleText).toContain("index('IFK_TrackAlbumId')");

    // autogenerate from the empty second database to the pulled module, then upgrade it.
    const b = createTestProject({ url: target.url, schema: './schema.ts' });
    projects.push(b);
    copyFileSync(pulled.path, join(b.dir, 'schema.ts'));
    const revision = await b.retort.autogenerate({ message: 'chinook' });
    expect(revision.empty).toBe(false);
    expect(revision.diff.upgrade.filter((o) => o.kind === 'createTable')).toHaveLength(11);
    await b.retort.upgrade('head');

    // Both catalogs, as readSchema sees them, diff to nothing in either direction.
    const copied = await readSchema(target);
    expect(diffSchemas(loaded, copied, options).upgrade).toEqual([]);
    expect(diffSchemas(copied, loaded, options).upgrade).toEqual([]);
    // And as the server lists them: the same keys and indexes, column by column.
    const keys = (db: TestDatabase) => rawQuery<{ t: string; i: string; c: string; u: number }>(db,
      "SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, NON_UNIQUE AS u FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE 'retort\\_%' ORDER BY 1, 2, SEQ_IN_INDEX",
      [db.name]);
    expect(await keys(target)).toEqual(await keys(source));
    // NO ACTION and RESTRICT are the same rule in InnoDB (both checked at once); retort writes neither.
    const fks = (db: TestDatabase) => rawQuery(db,
      "SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, REPLACE(UPDATE_RULE, 'NO ACTION', 'RESTRICT') AS u, REPLACE(DELETE_RULE, 'NO ACTION', 'RESTRICT') AS d, REFERENCED_TABLE_NAME AS r FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY 1, 2",
      [db.name]);
    expect(await fks(target)).toEqual(await fks(source));
    const columns = (db: TestDatabase) => rawQuery(db,
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty, IS_NULLABLE AS n, COLUMN_DEFAULT AS d, EXTRA AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT LIKE 'retort\\_%' ORDER BY 1, ORDINAL_POSITION",
      [db.name]);
    expect(await columns(target)).toEqual(await columns(source));

    // check: the second database is at head and matches; the first matches once stamped.
    expect(await b.retort.check()).toMatchObject({ ok: true, operations: [], notAtHead: false });
    const onSource = createTestProject({ url: source.url, schema: './schema.ts', migrations: join(b.dir, 'migrations') });
    projects.push(onSource);
    copyFileSync(pulled.path, join(onSource.dir, 'schema.ts'));
    expect(await onSource.retort.check()).toMatchObject({ ok: false, operations: [], notAtHead: true });
    await onSource.retort.stamp('head');
    expect(await onSource.retort.check()).toMatchObject({ ok: true, operations: [], notAtHead: false });

    // The downgrade of the generated revision empties the second database again.
    await b.retort.downgrade('base');
    expect((await readSchema(target)).tables).toEqual([]);
  }, 120_000);
});
