/**
 * Fleet runs from the library against the real servers: 200 tenant schemas in one PostgreSQL
 * database, 50 tenant databases on MariaDB, tenant files on SQLite from a computed `targets`
 * function; 20 revisions each. Every version table and a sample of the catalog are checked; one
 * tenant with a broken state fails alone; `failFast` skips the targets not yet started.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetExitKind } from '../../src/api/fleet.js';
import { createRetort } from '../../src/index.js';
import { MYSQL_ADMIN_URL, createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const REVISIONS = 20;
const revId = (i: number) => `f1ee70000${String(i).padStart(3, '0')}`;
const seed = (i: number) =>
  i === 1 ? "\n  await db.insertInto('t0').values({ id: 1, name: 'seed' }).execute();"
  : i === 2 ? "\n  await op.execute(\"INSERT INTO t0 (id, name) VALUES (2, 'raw')\");" : '';
/** A chain of 20 revisions, each creating one small table `t<i>`. */
const chain: RevisionSpec[] = Array.from({ length: REVISIONS }, (_, i) => ({
  id: revId(i),
  down: i === 0 ? null : revId(i - 1),
  message: `create t${i}`,
  imports: ['integer', 'varchar'],
  // The second revision seeds a row through `db`, the third one with unqualified raw SQL: both
  // must land in the tenant's own table.
  upgrade: `  await op.createTable('t${i}', { id: integer().primaryKey(), name: varchar(20) });${seed(i)}`,
  downgrade: `  await op.dropTable('t${i}');`,
}));
const HEAD = revId(REVISIONS - 1);

describe('PostgreSQL: 200 tenant schemas in one database', () => {
  const TENANTS = 200;
  const names = Array.from({ length: TENANTS }, (_, i) => `tenant_${String(i).padStart(3, '0')}`);
  const BROKEN = 'tenant_017';
  let db: TestDatabase;
  let project: TestProject;
  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'retort_fleet');
    await rawQuery(db, names.map((n) => `CREATE SCHEMA ${n};`).join('\n'));
    // The broken tenant already has the table the first revision creates.
    await rawQuery(db, `CREATE TABLE ${BROKEN}.t0 (id integer)`);
    project = createTestProject({ url: db.url, targets: names.map((name) => ({ name, dbSchema: name })) }, chain);
  });
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
  });

  it('upgrades every tenant to head except the broken one, which fails alone', async () => {
    const result = await project.retort.upgradeAll('head', { concurrency: 8 });
    expect(result.ok).toBe(false);
    expect(result.targets.map((t) => t.target)).toEqual(names);
    const failed = result.targets.filter((t) => !t.ok);
    expect(failed.map((t) => [t.target, t.status, t.error?.code])).toEqual([[BROKEN, 'failed', 'MigrationFailed']]);
    expect(failed[0]!.error!.fields).toMatchObject({ revision: revId(0) });
    for (const t of result.targets.filter((t) => t.ok)) {
      expect(t.from).toEqual([]);
      expect(t.current).toEqual([HEAD]);
      expect(t.steps).toHaveLength(REVISIONS);
    }
    // Every version table, read from the catalog in one query.
    const rows = await rawQuery<{ s: string; v: string }>(db, names.map((n) => `SELECT '${n}' AS s, version_num AS v FROM ${n}.retort_version`).join(' UNION ALL '));
    const byTenant = new Map(names.map((n) => [n, [] as string[]]));
    for (const row of rows) byTenant.get(row.s)!.push(row.v);
    for (const n of names) expect(byTenant.get(n), n).toEqual(n === BROKEN ? [] : [HEAD]);
    // The tables are in each tenant's own schema, none in public.
    const counts = await rawQuery<{ s: string; n: string }>(db,
      "SELECT table_schema AS s, count(*) AS n FROM information_schema.tables WHERE table_name ~ '^t[0-9]+$' GROUP BY table_schema");
    const tableCount = new Map(counts.map((c) => [c.s, Number(c.n)]));
    expect(tableCount.get('public')).toBeUndefined();
    for (const n of ['tenant_000', 'tenant_099', 'tenant_199']) expect(tableCount.get(n)).toBe(REVISIONS);
    expect(tableCount.get(BROKEN)).toBe(1);
    const columns = await rawQuery<{ column_name: string }>(db,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'tenant_123' AND table_name = 't19' ORDER BY ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'name']);
    expect(await rawQuery(db, 'SELECT id, name FROM tenant_123.t0 ORDER BY id')).toEqual([{ id: 1, name: 'seed' }, { id: 2, name: 'raw' }]);
  }, 120_000);

  it('points raw SQL at the tenant schema offline too: the script sets search_path first', async () => {
    const tenant = createRetort({ cwd: project.dir, target: 'tenant_005' });
    const offline = await tenant.upgrade(`${revId(1)}:${revId(2)}`, { sql: true });
    expect(offline.statements![0]).toBe('SET search_path TO "tenant_005", "public"');
    expect(offline.statements).toContain("INSERT INTO t0 (id, name) VALUES (2, 'raw')");
  });

  it('with failFast and concurrency 1, skips every tenant after the broken one', async () => {
    const result = await project.retort.upgradeAll('head', { concurrency: 1, failFast: true });
    const statuses = result.targets.map((t) => t.status);
    expect(statuses.slice(0, 17)).toEqual(Array(17).fill('ok'));
    expect(statuses[17]).toBe('failed');
    expect(statuses.slice(18)).toEqual(Array(TENANTS - 18).fill('skipped'));
    // Nothing to do on the healthy ones: no steps, still at head.
    expect(result.targets[0]).toMatchObject({ ok: true, steps: [], from: [HEAD], current: [HEAD] });
  }, 30_000);

  it('reads every tenant with currentAll, and runs any operation with forEachTarget', async () => {
    const current = await project.retort.currentAll({ concurrency: 8 });
    expect(current.targets.filter((t) => t.current[0] === HEAD)).toHaveLength(TENANTS - 1);
    expect(current.targets.find((t) => t.target === BROKEN)).toMatchObject({ ok: true, current: [] });
    const heads = await project.retort.forEachTarget(async (retort, name) => `${name}:${(await retort.heads())[0]!.revision}`, { concurrency: 8 });
    expect(heads.ok).toBe(true);
    expect(heads.targets[5]!.value).toBe(`tenant_005:${HEAD}`);
  }, 30_000);
});

describe('PostgreSQL: tenants as databases', () => {
  const tenants: TestDatabase[] = [];
  let project: TestProject;
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) tenants.push(await createTestDatabase('postgres', `retort_fleet_db${i}`));
    project = createTestProject({ targets: Object.fromEntries(tenants.map((t, i) => [`db${i}`, { url: t.url }])) }, chain.slice(0, 4));
  });
  afterAll(async () => {
    project?.cleanup();
    for (const t of tenants) await t.drop();
  });

  it('upgrades each database in its public schema, then stamps them all back', async () => {
    const up = await project.retort.upgradeAll('head', { concurrency: 3 });
    expect(up.targets.map((t) => [t.target, t.ok, t.current])).toEqual([0, 1, 2].map((i) => [`db${i}`, true, [revId(3)]]));
    for (const t of tenants) {
      expect(await rawQuery(t, 'SELECT version_num FROM public.retort_version')).toEqual([{ version_num: revId(3) }]);
      expect(await rawQuery(t, 'SELECT name FROM public.t0 ORDER BY id')).toEqual([{ name: 'seed' }, { name: 'raw' }]);
    }
    const stamped = await project.retort.stampAll(revId(1));
    expect(stamped.targets.map((t) => [t.from, t.current])).toEqual(Array(3).fill([[revId(3)], [revId(1)]]));
    expect(await rawQuery(tenants[2]!, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: revId(1) }]);
  }, 60_000);
});

describe('MariaDB: 50 tenant databases', () => {
  const TENANTS = 50;
  const prefix = `rt_fleet_${process.pid}_${randomBytes(3).toString('hex')}`;
  const names = Array.from({ length: TENANTS }, (_, i) => `${prefix}_${String(i).padStart(2, '0')}`);
  const BROKEN = names[7]!;
  const urlOf = (database: string) => Object.assign(new URL(MYSQL_ADMIN_URL), { pathname: `/${database}` }).toString();
  let admin: mysql.Connection;
  let project: TestProject;
  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, multipleStatements: true });
    await admin.query(names.map((n) => `CREATE DATABASE \`${n}\`;`).join('\n'));
    // The broken tenant's version table names a revision no file has.
    await admin.query(`CREATE TABLE \`${BROKEN}\`.retort_version (version_num VARCHAR(64) PRIMARY KEY); INSERT INTO \`${BROKEN}\`.retort_version VALUES ('0badc0ffee00')`);
    project = createTestProject({ targets: names.map((name) => ({ name, url: urlOf(name) })) }, chain);
  });
  afterAll(async () => {
    project?.cleanup();
    await admin?.query(names.map((n) => `DROP DATABASE IF EXISTS \`${n}\`;`).join('\n'));
    await admin?.end();
  });

  it('upgrades every tenant database to head; the one with an unknown revision fails alone', async () => {
    const result = await project.retort.upgradeAll('head', { concurrency: 8 });
    expect(result.ok).toBe(false);
    expect(result.targets.filter((t) => !t.ok).map((t) => [t.target, t.error?.code, t.error?.kind])).toEqual([[BROKEN, 'UnknownRevision', 'input']]);
    const [rows] = await admin.query(names.map((n) => `SELECT '${n}' AS s, version_num AS v FROM \`${n}\`.retort_version`).join(' UNION ALL '));
    const versions = new Map((rows as { s: string; v: string }[]).map((r) => [r.s, r.v]));
    for (const n of names) expect(versions.get(n), n).toBe(n === BROKEN ? '0badc0ffee00' : HEAD);
    const [counts] = await admin.query(
      `SELECT table_schema AS s, count(*) AS n FROM information_schema.tables WHERE table_schema LIKE '${prefix}%' AND table_name REGEXP '^t[0-9]+$' GROUP BY table_schema`);
    const tableCount = new Map((counts as { s: string; n: number }[]).map((c) => [c.s, Number(c.n)]));
    for (const n of [names[0]!, names[25]!, names[49]!]) expect(tableCount.get(n)).toBe(REVISIONS);
    expect(tableCount.get(BROKEN)).toBeUndefined();
  }, 120_000);
});

describe('SQLite: one file per tenant from a computed targets function', () => {
  let project: TestProject;
  beforeAll(() => {
    project = createTestProject({}, chain.slice(0, 3));
    // A function that lists tenants at run time (here from -x, as a query would from a catalog).
    writeFileSync(join(project.dir, 'retort.config.mjs'), `export default {
  migrations: './migrations',
  schema: './schema.ts',
  targets: ({ xArgs }) => (xArgs.tenants ?? 'acme,globex,initech').split(',').map((t) => ({ name: t, url: 'sqlite:./tenants/' + t + '.db' })),
};
`);
    writeFileSync(join(project.dir, 'schema.ts'), `import { defineSchema, table, integer, varchar } from 'retort-migrate';
const columns = () => ({ id: integer().primaryKey(), name: varchar(20) });
export default defineSchema({ t0: table('t0', columns()), t1: table('t1', columns()), t2: table('t2', columns()) });
`);
  });
  afterAll(() => project?.cleanup());

  it('upgrades each tenant file, downgrades them all, checks them, and reports per target', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(project.dir, 'tenants'));
    const retort = createRetort({ cwd: project.dir, config: 'retort.config.mjs' });
    const up = await retort.upgradeAll('head', { concurrency: 2 });
    expect(up.ok).toBe(true);
    expect(up.targets.map((t) => [t.target, t.from, t.current, t.steps.length])).toEqual(
      ['acme', 'globex', 'initech'].map((t) => [t, [], [revId(2)], 3]));
    for (const t of ['acme', 'globex', 'initech']) {
      const file = { dialect: 'sqlite', url: `sqlite:${join(project.dir, 'tenants', `${t}.db`)}` } as TestDatabase;
      expect(await rawQuery(file, 'SELECT version_num FROM retort_version')).toEqual([{ version_num: revId(2) }]);
      expect(await rawQuery(file, "SELECT name FROM sqlite_master WHERE name IN ('t0', 't1', 't2') ORDER BY name")).toEqual([{ name: 't0' }, { name: 't1' }, { name: 't2' }]);
    }
    const down = await retort.downgradeAll('-1');
    expect(down.targets.map((t) => [t.from, t.current])).toEqual(Array(3).fill([[revId(2)], [revId(1)]]));
    // Behind head (and missing t2): every tenant fails `check` with the kind that exits 3.
    const checked = await retort.checkAll();
    expect(checked.targets.map((t) => [t.status, t.error?.code, t.error?.kind, t.error?.fields['notAtHead']])).toEqual(Array(3).fill(['failed', 'CheckFailed', 'check', true]));
    expect(fleetExitKind(checked)).toBe('check');
    const only = await createRetort({ cwd: project.dir, config: 'retort.config.mjs', x: { tenants: 'acme' } }).currentAll();
    expect(only.targets.map((t) => [t.target, t.current])).toEqual([['acme', [revId(1)]]]);
  }, 30_000);
});
