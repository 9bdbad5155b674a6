/**
 * The lint rule table (issue 12's proof): for every rule, on every dialect it applies to, a
 * revision that triggers it (the finding at the `// @hit` line) and its safe rewrite, which
 * makes no finding. One chain per dialect, one `retort lint` process each; then the config's
 * lockWaitTimeout: 0, and `--pending` against real SQLite and PostgreSQL databases.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_DOWNGRADE } from '../../src/lint/engine.js';
import { mysqlRules } from '../../src/lint/mysql.js';
import { postgresRules } from '../../src/lint/postgres.js';
import { sqliteRules } from '../../src/lint/sqlite.js';
import { retort } from '../support/cli.js';
import { createTestDatabase, rawQuery, type TestDatabase } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const projects: TestProject[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  projects.forEach((p) => p.cleanup());
  await Promise.all(databases.map((d) => d.drop()));
});

type Dialect = 'postgres' | 'mysql' | 'sqlite';
const URLS: Record<Dialect, string> = {
  postgres: 'postgres://postgres@127.0.0.1:5432/retort_lint_unused',
  mysql: 'mysql://root@127.0.0.1:3306/retort_lint_unused',
  sqlite: 'sqlite:./app.db',
};
const ALL: readonly Dialect[] = ['postgres', 'mysql', 'sqlite'];

/** One row: the rule, where it applies, the lines that trigger it (one marked `// @hit`), and the safe rewrite. */
interface Row {
  readonly rule: string;
  readonly dialects: readonly Dialect[];
  readonly trigger: string;
  readonly safe: string;
  /** The downgrade of the triggering revision (default: drop the marker table). */
  readonly triggerDown?: string;
}

const noTx = (body: string) => `await op.noTransaction(() => ${body});`;
const ROWS: readonly Row[] = [
  { rule: 'index-not-concurrent', dialects: ['postgres'], trigger: "await op.createIndex('ix_t', 'books', ['title']); // @hit", safe: noTx("op.createIndex('ix_t', 'books', ['title'], { concurrently: true })") },
  { rule: 'index-not-concurrent', dialects: ['postgres'], trigger: "await op.dropIndex('ix_books_author'); // @hit", safe: noTx("op.dropIndex('ix_books_author', { concurrently: true })") },
  { rule: 'concurrently-in-transaction', dialects: ['postgres'], trigger: "await op.createIndex('ix_c', 'books', ['note'], { concurrently: true }); // @hit", safe: noTx("op.createIndex('ix_c', 'books', ['note'], { concurrently: true })") },
  { rule: 'add-column-not-null', dialects: ALL, trigger: "await op.addColumn('books', 'isbn', varchar(20).notNull()); // @hit", safe: "await op.addColumn('books', 'isbn', varchar(20).notNull().default(''));" },
  { rule: 'set-not-null', dialects: ['postgres'], trigger: "await op.alterColumn('books', 'title', { nullable: false }); // @hit", safe: noTx("op.alterColumn('books', 'title', { nullable: false, notNullViaCheck: true })") },
  { rule: 'constraint-not-valid', dialects: ['postgres'], trigger: "await op.createForeignKey('fk_a', 'books', ['author_id'], 'authors', ['id']); // @hit", safe: noTx("op.createForeignKey('fk_a', 'books', ['author_id'], 'authors', ['id'], { notValid: true, validate: true })") },
  { rule: 'constraint-not-valid', dialects: ['postgres'], trigger: "await op.createCheck('ck_p', 'books', 'price > 0'); // @hit", safe: "await op.createCheck('ck_p', 'books', 'price > 0', { notValid: true });" },
  { rule: 'key-under-lock', dialects: ['postgres'], trigger: "await op.createUnique('uq_t', 'books', ['title']); // @hit", safe: noTx("op.createUnique('uq_t', 'books', ['title'], { concurrently: true })") },
  { rule: 'type-change-rewrite', dialects: ['postgres'], trigger: "await op.alterColumn('books', 'price', { type: text(), existingType: numeric(10, 2) }); // @hit", safe: "await op.alterColumn('books', 'title', { type: varchar(100), existingType: varchar(50) });" },
  { rule: 'volatile-default', dialects: ['postgres'], trigger: "await op.addColumn('books', 'token', uuid().default(sql`gen_random_uuid()`)); // @hit", safe: "await op.addColumn('books', 'added_at', text().default(sql`now()`));" },
  {
    rule: 'backfill-in-ddl-transaction', dialects: ['postgres'],
    trigger: "await op.addColumn('books', 'lang', text());\n  await op.execute(\"UPDATE books SET lang = 'en'\").ack('raw-execute', 'one statement'); // @hit",
    safe: "await op.addColumn('books', 'lang', text());\n  " + noTx("op.execute(\"UPDATE books SET lang = 'en'\").ack('raw-execute', 'one statement')"),
  },
  {
    rule: 'missing-lock-timeout', dialects: ['postgres'],
    trigger: "await op.execute('SET lock_timeout = 0').ack('raw-execute', 'a long wait');\n  await op.addColumn('books', 'c1', text()); // @hit\n  await op.addColumn('books', 'c2', text());",
    safe: "await op.execute(\"SET lock_timeout = '30s'\").ack('raw-execute', 'a longer wait');\n  await op.addColumn('books', 'c1', text());",
  },
  {
    rule: 'missing-lock-timeout', dialects: ['postgres'],
    trigger: "await op.execute('RESET lock_timeout; ALTER TABLE books ADD COLUMN c3 text').ack('raw-execute', 'raw DDL'); // @hit",
    safe: "await op.execute(\"SET LOCAL lock_timeout = 0\").ack('raw-execute', 'this transaction only');\n  await op.createTable('fresh', { id: integer().primaryKey() });\n  " + noTx("op.addColumn('books', 'c3', text())"),
  },
  {
    rule: 'missing-lock-timeout', dialects: ['mysql'],
    trigger: "await op.execute('SET SESSION lock_wait_timeout = DEFAULT').ack('raw-execute', 'a long wait');\n  await op.addColumn('books', 'c1', text()); // @hit",
    safe: "await op.execute('SET SESSION lock_wait_timeout = 30').ack('raw-execute', 'a longer wait');\n  await op.addColumn('books', 'c1', text());",
  },
  { rule: 'mysql-table-copy', dialects: ['mysql'], trigger: "await op.alterColumn('books', 'price', { type: text(), existingType: numeric(10, 2) }); // @hit", safe: "await op.alterColumn('books', 'title', { type: varchar(60), existingType: varchar(50) });" },
  {
    rule: 'mysql-table-copy', dialects: ['mysql'], trigger: "await op.createForeignKey('fk_a', 'books', ['author_id'], 'authors', ['id']); // @hit",
    safe: "await op.execute('SET foreign_key_checks = 0').ack('raw-execute', 'orphans checked by a query first');\n  await op.createForeignKey('fk_a', 'books', ['author_id'], 'authors', ['id']);",
  },
  { rule: 'mysql-enum-copy', dialects: ['mysql'], trigger: "await op.alterColumn('books', 'note', { type: enumOf('k', ['b', 'a']), existingType: enumOf('k', ['a', 'b']) }); // @hit", safe: "await op.alterColumn('books', 'note', { type: enumOf('k', ['a', 'b', 'c']), existingType: enumOf('k', ['a', 'b']) });" },
  // A rebuild has no online form in SQL: the safe way is a quiet hour, said in the acknowledgement.
  { rule: 'mysql-table-rebuild', dialects: ['mysql'], trigger: "await op.alterColumn('books', 'author', { nullable: false }); // @hit", safe: "await op.alterColumn('books', 'author', { nullable: false }).ack('mysql-table-rebuild', 'run at 03:00, 2,000 rows');" },
  // Expand/contract: the new name is added first; the old one goes in a later, acknowledged revision.
  { rule: 'rename-table', dialects: ALL, trigger: "await op.renameTable('authors', 'writers'); // @hit", safe: "await op.createTable('writers', { id: integer().primaryKey(), name: text() });" },
  { rule: 'rename-column', dialects: ALL, trigger: "await op.alterColumn('books', 'note', { newName: 'remark' }); // @hit", safe: "await op.addColumn('books', 'remark', text());" },
  { rule: 'drop-column', dialects: ALL, trigger: "await op.dropColumn('books', 'author'); // @hit", safe: "await op.dropColumn('books', 'author').ack('drop-column', 'unused since release 2.3');" },
  { rule: 'drop-table', dialects: ALL, trigger: "await op.dropTable('authors'); // @hit", safe: "await op.dropTable('authors').ack('drop-table', 'unused since release 2.3, backed up');" },
  { rule: 'raw-execute', dialects: ALL, trigger: "await op.execute('ALTER TABLE books ADD COLUMN c4 integer'); // @hit", safe: "await op.addColumn('books', 'c4', integer());" },
  { rule: 'no-downgrade', dialects: ALL, trigger: "await op.addColumn('books', 'c5', integer());", triggerDown: '', safe: "await op.addColumn('books', 'c5', integer());" },
];

const imports = ['integer', 'text', 'varchar', 'numeric', 'uuid', 'sql', 'enumOf'];
const base: RevisionSpec = {
  id: 'r0', down: null, message: 'base tables', imports,
  upgrade: [
    "  await op.createTable('authors', { id: integer().primaryKey(), name: text() });",
    "  await op.createTable('books', { id: integer().primaryKey(), title: varchar(50), author_id: integer(), author: text(), note: text(), price: numeric(10, 2) });",
    "  await op.createIndex('ix_books_author', 'books', ['author_id']);",
  ].join('\n'),
  downgrade: "  await op.dropTable('books');\n  await op.dropTable('authors');",
};

/** The chain of `dialect`'s rows: t<i> triggers row i, s<i> is its safe rewrite; each its own marker table, dropped by its downgrade. */
function chain(dialect: Dialect): { specs: RevisionSpec[]; rows: [number, Row][] } {
  const rows = ROWS.map((row, i) => [i, row] as [number, Row]).filter(([, row]) => row.dialects.includes(dialect));
  const specs: RevisionSpec[] = [base];
  for (const [i, row] of rows) {
    for (const [kind, body, down] of [['t', row.trigger, row.triggerDown], ['s', row.safe, undefined]] as const) {
      const id = `${kind}${i}`;
      specs.push({
        id, down: specs[specs.length - 1]!.id, message: `${kind === 't' ? 'triggers' : 'safe'} ${row.rule}`, imports,
        upgrade: `  await op.createTable('m_${id}', { id: integer().primaryKey() });\n  ${body}`,
        downgrade: down ?? `  await op.dropTable('m_${id}');`,
      });
    }
  }
  return { specs, rows };
}

function project(url: string, specs: readonly RevisionSpec[], extra: Record<string, unknown> = {}): { dir: string; paths: Map<string, string> } {
  const p = createTestProject({ url, ...extra });
  projects.push(p);
  return { dir: p.dir, paths: new Map(specs.map((s) => [s.id, p.write(s)])) };
}

function lineOf(path: string, marker: string): number {
  const index = readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (index < 0) throw new Error(`no ${marker} in ${path}`);
  return index + 1;
}

interface Finding { rule: string; revision: string; line: number; file: string; fix: string }

describe('retort lint: each rule triggered, and its safe rewrite clean, per dialect', () => {
  it.each(ALL)('%s', (dialect) => {
    const { specs, rows } = chain(dialect);
    const { dir, paths } = project(URLS[dialect], specs);
    const run = retort(dir, ['lint', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(3);
    const findings: Finding[] = run.json().findings;
    for (const [i, row] of rows) {
      const path = paths.get(`t${i}`)!;
      const line = lineOf(path, row.triggerDown === '' ? 'export async function downgrade' : '// @hit');
      const hits = findings.filter((f) => f.revision === `t${i}` && f.rule === row.rule);
      expect(hits.map((f) => [f.rule, f.line]), `${dialect} row ${i} (${row.rule}) triggers`).toEqual([[row.rule, line]]);
      expect(hits[0]!.file).toBe(path);
      expect(findings.filter((f) => f.revision === `s${i}`), `${dialect} row ${i} (${row.rule}): the safe rewrite is clean`).toEqual([]);
    }
    if (dialect === 'postgres') {
      const reset = findings.find((f) => f.rule === 'missing-lock-timeout')! as Finding & { message: string };
      expect(reset.message).toContain('`SET lock_timeout = 0` earlier in the revision left lock_timeout unbounded');
    }
    // Every rule of the dialect has a row (the table is complete), and no other rule fires.
    const rulesOf = [...new Set(rows.map(([, r]) => r.rule))].sort();
    const declared = { postgres: postgresRules, mysql: mysqlRules, sqlite: sqliteRules }[dialect].map((r) => r.id);
    expect(rulesOf).toEqual([...new Set([...declared, NO_DOWNGRADE])].sort());
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual(rulesOf);
  });
});

describe('retort lint: missing-lock-timeout from the config (lockWaitTimeout: 0)', () => {
  const rev: RevisionSpec = {
    id: 'r2ddl', down: 'r0', message: 'ddl', imports,
    upgrade: "  await op.createTable('fresh', { id: integer().primaryKey() });\n  await op.addColumn('books', 'c1', text()); // @hit\n  await op.addColumn('books', 'c2', text());",
    downgrade: "  await op.dropColumn('books', 'c2');\n  await op.dropColumn('books', 'c1');\n  await op.dropTable('fresh');",
  };
  it.each(['postgres', 'mysql'] as const)('%s: once per revision and direction, at the first DDL on an existing table; the message names rule, file, line and fix', (dialect) => {
    const zero = project(URLS[dialect], [base, rev], { lockWaitTimeout: 0 });
    const run = retort(zero.dir, ['lint']);
    expect(run.code, run.stderr).toBe(3);
    const file = 'migrations/r2ddl_ddl.ts';
    const path = zero.paths.get('r2ddl')!;
    expect(run.stdout).toContain(`${file}:${lineOf(path, '// @hit')} missing-lock-timeout (error) addColumn books.c1\n`);
    expect(run.stdout).toContain(`${file}:${lineOf(path, "dropColumn('books', 'c2')")} missing-lock-timeout (error) in the downgrade: dropColumn books.c2\n`);
    expect(run.stdout).toContain('the config sets lockWaitTimeout: 0');
    expect(run.stdout).toContain('  fix: Keep lockWaitTimeout in the config');
    // The default config (10 s) is clean: the table above lints DDL on existing tables under it.
    expect(run.stdout).toContain('2 finding(s), 0 acknowledged, in 2 revision(s)');
  });
});

describe('retort lint --pending: the revisions the database has not applied', () => {
  const rev = (id: string, down: string | null, body: string): RevisionSpec => ({
    id, down, message: id, imports, upgrade: `  await op.createTable('t_${id}', { id: integer().primaryKey() });\n  ${body}`, downgrade: `  await op.dropTable('t_${id}');`,
  });
  const specs = [
    rev('p1', null, "await op.createTable('books', { id: integer().primaryKey(), title: text() });"),
    rev('p2', 'p1', "await op.dropColumn('books', 'title'); // @old"),
    rev('p3', 'p2', "await op.renameTable('books', 'volumes'); // @new"),
  ];
  it.each(['sqlite', 'postgres'] as const)('%s: no version table is base (and none is made); after upgrade p2, only p3', async (dialect) => {
    const db = await createTestDatabase(dialect, 'retort_lint');
    databases.push(db);
    const { dir, paths } = project(db.url, specs);
    const fresh = retort(dir, ['lint', '--pending', '--json']);
    expect(fresh.code, fresh.stderr).toBe(3);
    expect(fresh.json()).toMatchObject({ current: [], revisions: 3 });
    expect(fresh.json().findings.map((f: Finding) => f.revision)).toEqual(['p2', 'p3']);
    const tables = dialect === 'sqlite'
      ? await rawQuery(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
      : await rawQuery(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables, 'lint --pending wrote nothing').toEqual([]);
    expect(retort(dir, ['upgrade', 'p2']).code).toBe(0);
    const pending = retort(dir, ['lint', '--pending']);
    expect(pending.code, pending.stderr).toBe(3);
    expect(pending.stdout).toContain(`:${lineOf(paths.get('p3')!, '// @new')} rename-table (warning)`);
    expect(pending.stdout).not.toContain('drop-column');
    expect(pending.stdout).toContain('1 finding(s), 0 acknowledged, in 1 revision(s) pending on a database at p2');
  });
});
