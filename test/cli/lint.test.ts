/**
 * `retort lint` as users run it: real revision folders per dialect, each risky operation marked
 * in its file with a `// @name` comment, so every finding is checked against the exact line the
 * user wrote; the safe rewrite of each in a later revision, which lint leaves alone; the
 * acknowledgements; graph hygiene; bad input (exit 2). No database is needed (none is opened:
 * the URLs only choose the dialect's rules).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { retort } from '../support/cli.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

const projects: TestProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function project(url: string, specs: readonly RevisionSpec[], extra: Record<string, unknown> = {}): { dir: string; paths: Map<string, string> } {
  const p = createTestProject({ url, ...extra });
  projects.push(p);
  const paths = new Map(specs.map((s) => [s.id, p.write(s)]));
  return { dir: p.dir, paths };
}

/** [rule, revision, line] of every finding, the line found from the `// @marker` in the file. */
function expected(paths: Map<string, string>, rows: readonly [string, string, string][]): [string, string, number][] {
  return rows.map(([rule, revision, marker]) => {
    const lines = readFileSync(paths.get(revision)!, 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes(marker.startsWith('@') ? `// ${marker}` : marker));
    if (index < 0) throw new Error(`no ${marker} in ${revision}`);
    return [rule, revision, index + 1];
  });
}

const found = (json: { findings: { rule: string; revision: string; line: number }[] }) => json.findings.map((f) => [f.rule, f.revision, f.line]);

const imports = ['integer', 'text', 'varchar', 'numeric', 'uuid', 'sql', 'enumOf'];
const base: RevisionSpec = {
  id: 'r1base', down: null, message: 'base tables', imports,
  upgrade: [
    "  await op.createTable('authors', { id: integer().primaryKey(), name: text() });",
    "  await op.createTable('books', { id: integer().primaryKey(), title: varchar(50), author_id: integer(), author: text(), note: text(), price: numeric(10, 2) });",
    "  await op.createIndex('ix_books_author', 'books', ['author_id']); // a new table: no finding",
    "  await op.addColumn('books', 'sku', text().notNull()); // a new table: no finding",
  ].join('\n'),
  downgrade: "  await op.dropTable('books');\n  await op.dropTable('authors');",
};

describe('retort lint on PostgreSQL', () => {
  const risky: RevisionSpec = {
    id: 'r2risky', down: 'r1base', message: 'risky', imports,
    upgrade: [
      "  await op.createIndex('ix_books_title', 'books', ['title']); // @idx",
      "  await op.dropIndex('ix_books_author'); // @dropidx",
      "  await op.createIndex('ix_books_note', 'books', ['note'], { concurrently: true }); // @conc",
      "  await op.addColumn('books', 'isbn', text().notNull()); // @notnull",
      "  await op.alterColumn('books', 'title', { nullable: false }); // @setnn",
      "  await op.createForeignKey('fk_books_author', 'books', ['author_id'], 'authors', ['id']); // @fk",
      "  await op.createCheck('ck_books_price', 'books', 'price > 0'); // @ck",
      "  await op.createUnique('uq_books_title', 'books', ['title']); // @uq",
      "  await op.alterColumn('books', 'price', { type: text(), existingType: numeric(10, 2) }); // @type",
      "  await op.addColumn('books', 'token', uuid().default(sql`gen_random_uuid()`)); // @volatile",
      "  await op.dropColumn('books', 'author'); // @dropcol",
      "  await op.alterColumn('books', 'note', { newName: 'remark' }); // @renamecol",
      "  await op.renameTable('authors', 'writers'); // @renametable",
      "  await op.dropTable('old_stuff'); // @droptable",
      "  await op.execute('UPDATE books SET price = 1'); // @exec",
    ].join('\n'),
    downgrade: "  await op.dropColumn('books', 'isbn');",
  };
  const safe: RevisionSpec = {
    id: 'r3safe', down: 'r2risky', message: 'safe rewrites', imports,
    upgrade: [
      "  await op.noTransaction(async () => {",
      "    await op.createIndex('ix_books_sku', 'books', ['sku'], { concurrently: true });",
      "    await op.dropIndex('ix_books_title', { concurrently: true });",
      "  });",
      "  await op.addColumn('books', 'lang', text().notNull().default('en'));",
      "  await op.createForeignKey('fk_books_writer', 'books', ['author_id'], 'writers', ['id'], { notValid: true });",
      "  await op.createCheck('ck_books_id', 'books', 'id > 0', { notValid: true });",
      "  await op.alterColumn('books', 'title', { type: varchar(100), existingType: varchar(50) });",
      "  await op.addColumn('books', 'added_at', text().default(sql`now()`));",
      "  await op.noTransaction(() => op.createUnique('uq_books_lang', 'books', ['lang', 'id'], { concurrently: true }));",
      "  await op.noTransaction(() => op.createForeignKey('fk_books_w2', 'books', ['author_id'], 'writers', ['id'], { notValid: true, validate: true }));",
      "  await op.noTransaction(() => op.alterColumn('books', 'lang', { nullable: false, notNullViaCheck: true }));",
      "  await op.createIndex('ix_books_lang', 'books', ['lang']).ack('index-not-concurrent', 'books has 40 rows'); // @acked",
      "  await op.execute(\"ALTER TABLE books VALIDATE CONSTRAINT fk_books_writer\").ack('raw-execute', 'validation lets writes go on');",
    ].join('\n'),
    downgrade: "  await op.dropColumn('books', 'lang');",
  };
  const noDown: RevisionSpec = {
    id: 'r4nodown', down: 'r3safe', message: 'forgot the downgrade', imports,
    upgrade: "  await op.createTable('tags', { id: integer().primaryKey() });",
    downgrade: '',
  };
  const acked: RevisionSpec = {
    id: 'r5acked', down: 'r4nodown', message: 'irreversible', imports,
    preamble: "export const lintAck = { 'no-downgrade': 'tags are rebuilt from the search index' };",
    upgrade: "  await op.createTable('labels', { id: integer().primaryKey() });",
    downgrade: '',
  };
  // The safe rewrite of a backfill: alone in its revision, no DDL holding locks meanwhile. Its
  // downgrade is linted too (findings say 'downgrade').
  const backfill: RevisionSpec = {
    id: 'r6backfill', down: 'r5acked', message: 'backfill alone', imports,
    upgrade: "  await op.execute(\"UPDATE books SET lang = 'fr' WHERE id < 100\").ack('raw-execute', 'batched by id');",
    downgrade: [
      "  await op.createIndex('ix_books_lang_old', 'books', ['lang']); // @downidx",
      "  await op.dropColumn('books', 'remark'); // @downdrop",
    ].join('\n'),
  };
  const { dir, paths } = project('postgres://postgres@127.0.0.1:5432/retort_lint_unused', [base, risky, safe, noDown, acked, backfill]);

  it('reports each risky operation at its line, and none of the safe rewrites (exit 3)', () => {
    const run = retort(dir, ['lint', '--json']);
    expect(run.code, run.stderr).toBe(3);
    const json = run.json();
    expect(found(json)).toEqual(expected(paths, [
      ['index-not-concurrent', 'r2risky', '@idx'],
      ['index-not-concurrent', 'r2risky', '@dropidx'],
      ['concurrently-in-transaction', 'r2risky', '@conc'],
      ['add-column-not-null', 'r2risky', '@notnull'],
      ['set-not-null', 'r2risky', '@setnn'],
      ['constraint-not-valid', 'r2risky', '@fk'],
      ['constraint-not-valid', 'r2risky', '@ck'],
      ['key-under-lock', 'r2risky', '@uq'],
      ['type-change-rewrite', 'r2risky', '@type'],
      ['volatile-default', 'r2risky', '@volatile'],
      ['drop-column', 'r2risky', '@dropcol'],
      ['rename-column', 'r2risky', '@renamecol'],
      ['rename-table', 'r2risky', '@renametable'],
      ['drop-table', 'r2risky', '@droptable'],
      ['backfill-in-ddl-transaction', 'r2risky', '@exec'],
      ['raw-execute', 'r2risky', '@exec'],
      ['no-downgrade', 'r4nodown', 'export async function downgrade'],
      ['index-not-concurrent', 'r6backfill', '@downidx'],
      ['drop-column', 'r6backfill', '@downdrop'],
    ]));
    expect(json.findings.map((f: { direction: string }) => f.direction)).toEqual([...Array(16).fill('upgrade'), 'downgrade', 'downgrade', 'downgrade']);
    const backfillHit = json.findings.find((f: { rule: string }) => f.rule === 'backfill-in-ddl-transaction');
    expect(backfillHit.message).toContain('with DDL on books');
    // The contract's shape, every field filled.
    for (const f of json.findings) {
      expect(Object.keys(f).sort()).toEqual(['direction', 'file', 'fix', 'line', 'message', 'operation', 'revision', 'rule', 'severity']);
      expect(f.file).toBe(paths.get(f.revision));
      expect(['error', 'warning']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(10);
    }
    const idx = json.findings[0];
    expect(idx).toMatchObject({ operation: 'createIndex ix_books_title ON books', severity: 'error' });
    expect(idx.message).toContain('SHARE lock on books');
    expect(idx.fix).toContain('concurrently: true');
    expect(json.acknowledged.map((f: { rule: string; revision: string; acknowledged: string }) => [f.rule, f.revision, f.acknowledged])).toEqual([
      ['index-not-concurrent', 'r3safe', 'books has 40 rows'],
      ['raw-execute', 'r3safe', 'validation lets writes go on'],
      ['no-downgrade', 'r5acked', 'tags are rebuilt from the search index'],
      ['raw-execute', 'r6backfill', 'batched by id'],
    ]);
  });

  it('prints file:line, the reason and the fix; acknowledged findings with their reason', () => {
    const run = retort(dir, ['lint']);
    expect(run.code).toBe(3);
    const line = expected(paths, [['', 'r2risky', '@idx']])[0]![2];
    expect(run.stdout).toContain(`migrations/r2risky_risky.ts:${line} index-not-concurrent (error) createIndex ix_books_title ON books\n`);
    expect(run.stdout).toContain('  fix: await op.noTransaction(');
    expect(run.stdout).toContain('  acknowledged: books has 40 rows');
    const down = expected(paths, [['', 'r6backfill', '@downidx']])[0]![2];
    expect(run.stdout).toContain(`migrations/r6backfill_backfill_alone.ts:${down} index-not-concurrent (error) in the downgrade: createIndex ix_books_lang_old ON books\n`);
    expect(run.stdout).toContain('19 finding(s), 4 acknowledged, in 6 revision(s) (postgres rules).');
  });

  it('--since REV lints only the later revisions; a clean range exits 0', () => {
    const since = retort(dir, ['lint', '--since', 'r2risky', '--json']);
    expect(since.code).toBe(3);
    expect(found(since.json())).toEqual(expected(paths, [
      ['no-downgrade', 'r4nodown', 'export async function downgrade'],
      ['index-not-concurrent', 'r6backfill', '@downidx'],
      ['drop-column', 'r6backfill', '@downdrop'],
    ]));
    const clean = retort(dir, ['lint', 'r2risky:r3safe']);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain('0 finding(s), 2 acknowledged, in 1 revision(s)');
  });

  it('bad input is exit 2: an unknown --since, RANGE with --since, --pending with --since, a malformed range', () => {
    const unknown = retort(dir, ['lint', '--since', 'nosuchrev']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nosuchrev/);
    const both = retort(dir, ['lint', 'r1base:', '--since', 'r1base']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give only one of a RANGE, --since or --pending (got a RANGE and --since)');
    const pending = retort(dir, ['lint', '--pending', '--since', 'r1base']);
    expect(pending.code).toBe(2);
    expect(pending.stderr).toContain('(got --since and --pending)');
    expect(retort(dir, ['lint', 'a:b:c']).code).toBe(2);
  });
});

describe('retort lint on MySQL/MariaDB and SQLite', () => {
  const risky: RevisionSpec = {
    id: 'm2risky', down: 'r1base', message: 'risky', imports,
    upgrade: [
      "  await op.alterColumn('books', 'price', { type: text(), existingType: numeric(10, 2) }); // @copy",
      "  await op.alterColumn('books', 'title', { type: varchar(200), existingType: varchar(50) }); // @prefix",
      "  await op.alterColumn('books', 'note', { type: enumOf('k', ['b', 'a']), existingType: enumOf('k', ['a', 'b']) }); // @enum",
      "  await op.createForeignKey('fk_books_author', 'books', ['author_id'], 'authors', ['id']); // @fk",
      "  await op.alterColumn('books', 'author', { nullable: false }); // @rebuild",
      "  await op.addColumn('books', 'isbn', text().notNull()); // @notnull",
      "  await op.dropColumn('books', 'sku'); // @dropcol",
    ].join('\n'),
    downgrade: "  await op.dropColumn('books', 'isbn');",
  };
  const safe: RevisionSpec = {
    id: 'm3safe', down: 'm2risky', message: 'safe', imports,
    upgrade: [
      "  await op.alterColumn('books', 'title', { type: varchar(250), existingType: varchar(200) });",
      "  await op.alterColumn('books', 'note', { type: enumOf('k', ['b', 'a', 'c']), existingType: enumOf('k', ['b', 'a']) });",
      "  await op.addColumn('books', 'lang', text().notNull().default('en'));",
      "  await op.createIndex('ix_books_lang', 'books', ['lang']);",
    ].join('\n'),
    downgrade: "  await op.dropColumn('books', 'lang');",
  };

  it('MySQL: COPY and rebuild ALTERs, enum changes that are not appends, at their lines; appends and same-prefix widening pass', () => {
    const { dir, paths } = project('mysql://root@127.0.0.1:3306/retort_lint_unused', [base, risky, safe]);
    const run = retort(dir, ['lint', '--json']);
    expect(run.code, run.stderr).toBe(3);
    expect(found(run.json())).toEqual(expected(paths, [
      ['mysql-table-copy', 'm2risky', '@copy'],
      ['mysql-table-copy', 'm2risky', '@prefix'],
      ['mysql-enum-copy', 'm2risky', '@enum'],
      ['mysql-table-copy', 'm2risky', '@fk'],
      ['mysql-table-rebuild', 'm2risky', '@rebuild'],
      ['add-column-not-null', 'm2risky', '@notnull'],
      ['drop-column', 'm2risky', '@dropcol'],
    ]));
    expect(run.json().findings[0].message).toContain('ALGORITHM=COPY');
    expect(run.json().dialect).toBe('mysql');
  });

  it('SQLite: the NOT NULL column SQLite refuses, and the drops; no PostgreSQL lock rules', () => {
    const { dir, paths } = project('sqlite:./app.db', [base, risky, safe]);
    const run = retort(dir, ['lint', '--json']);
    expect(run.code).toBe(3);
    expect(found(run.json())).toEqual(expected(paths, [
      ['add-column-not-null', 'm2risky', '@notnull'],
      ['drop-column', 'm2risky', '@dropcol'],
    ]));
    expect(run.json().findings[0].message).toContain('fails on SQLite');
  });
});

describe('retort lint: graph hygiene', () => {
  const rev = (id: string, down: string | null): RevisionSpec => ({
    id, down, message: id, imports, upgrade: `  await op.createTable('t_${id}', { id: integer().primaryKey() });`, downgrade: `  await op.dropTable('t_${id}');`,
  });

  it('several heads; a revision added on top of an older one than --since (out of order)', () => {
    const { dir, paths } = project('postgres://postgres@127.0.0.1:5432/retort_lint_unused', [rev('g1', null), rev('g2', 'g1'), rev('g3', 'g2'), rev('g4late', 'g1')]);
    const heads = retort(dir, ['lint', '--json']);
    expect(heads.code).toBe(3);
    expect(heads.json().findings.map((f: { rule: string; revision: string }) => [f.rule, f.revision]).sort()).toEqual([['multiple-heads', 'g3'], ['multiple-heads', 'g4late']]);
    const since = retort(dir, ['lint', '--since', 'g2', '--json']);
    const order = since.json().findings.filter((f: { rule: string }) => f.rule === 'out-of-order');
    expect(order).toMatchObject([{ revision: 'g4late', file: paths.get('g4late'), severity: 'warning' }]);
    expect(order[0].message).toContain('follows g1, which is older than g2');
  });
});
