/**
 * Every error a user meets carries a stable code, the contract's exit code, and structured fields
 * in `--json` output (`{"error": {"code", "message", ...fields}}`): the revisions, the file, the
 * statement and its position in the revision. One table, one CLI process per row.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, retort } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from '../support/databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from '../support/project.js';

/**
 * Nothing listens there: a row that expects an input error with this URL proves it came before
 * any connection. Graph errors (missing parent, cycle, duplicate, unreadable file) do; target
 * resolution (unknown, ambiguous, several heads, range) happens after connecting today, since
 * relative targets need the database's heads, so those rows use the project's SQLite database.
 */
const UNREACHABLE = 'postgres://nobody:pw@127.0.0.1:1/none';

const A: RevisionSpec = { id: 'aaaa0001', down: null, message: 'first', upgrade: "  await op.execute('CREATE TABLE t1 (id INTEGER)');" };
const B: RevisionSpec = { id: 'bbbb0002', down: 'aaaa0001', message: 'second' };

interface Row {
  readonly name: string;
  readonly revisions: readonly RevisionSpec[];
  readonly args: readonly string[];
  readonly code: string;
  readonly exit: number;
  /** Expected fields, matched with toMatchObject (extra fields are fine). */
  readonly fields: (p: TestProject) => Record<string, unknown>;
  /** Set up more than the revisions (broken files, config). */
  readonly prepare?: (p: TestProject, db: TestDatabase) => void;
  /** Run in a fresh empty folder instead of the project. */
  readonly cwdEmpty?: boolean;
  /** The project's database (default: SQLite). */
  readonly dialect?: TestDialect;
}

const path = (p: TestProject, spec: RevisionSpec) => join(p.dir, 'migrations', `${spec.id}_${(spec.message ?? 'rev').replace(/\W+/g, '_')}.ts`);

const rows: Row[] = [
  {
    name: 'unknown revision', revisions: [A, B], args: ['upgrade', 'nonsense'],
    code: 'UnknownRevision', exit: 2, fields: () => ({ argument: 'nonsense' }),
  },
  {
    name: 'ambiguous prefix', revisions: [A, { id: 'abcd1111', down: 'aaaa0001' }, { id: 'abcd2222', down: 'aaaa0001' }],
    args: ['upgrade', 'abcd'],
    code: 'AmbiguousRevision', exit: 2, fields: () => ({ argument: 'abcd', candidates: ['abcd1111', 'abcd2222'] }),
  },
  {
    name: 'several heads for head', revisions: [A, { id: 'abcd1111', down: 'aaaa0001' }, { id: 'abcd2222', down: 'aaaa0001' }],
    args: ['upgrade', 'head'],
    code: 'MultipleHeads', exit: 2, fields: () => ({ argument: 'head', heads: expect.arrayContaining(['abcd1111', 'abcd2222']) }),
  },
  {
    name: 'relative step past the base', revisions: [A, B], args: ['downgrade', '-3'],
    code: 'RelativeOutOfRange', exit: 2, fields: () => ({ argument: '-3' }),
  },
  {
    name: 'a range online', revisions: [A, B], args: ['upgrade', 'aaaa0001:bbbb0002'],
    code: 'RangeNotAllowed', exit: 2, fields: () => ({ target: 'aaaa0001:bbbb0002' }),
  },
  {
    name: 'broken graph: missing parent', revisions: [A, { id: 'cccc0003', down: 'ffff9999', message: 'orphan' }],
    args: ['--url', UNREACHABLE, 'upgrade', 'head'],
    code: 'MissingParent', exit: 2,
    fields: (p) => ({ revision: 'cccc0003', missing: 'ffff9999', path: path(p, { id: 'cccc0003', message: 'orphan' }) }),
  },
  {
    name: 'broken graph: cycle', revisions: [{ id: 'aaaa0001', down: 'bbbb0002', message: 'first' }, B],
    args: ['--url', UNREACHABLE, 'heads'],
    code: 'CycleDetected', exit: 2, fields: () => ({ revisions: expect.arrayContaining(['aaaa0001', 'bbbb0002']) }),
  },
  {
    name: 'broken graph: duplicate id', revisions: [A, { ...A, message: 'again' }], args: ['--url', UNREACHABLE, 'upgrade', 'head'],
    code: 'DuplicateRevision', exit: 2,
    fields: (p) => ({ revision: 'aaaa0001', paths: expect.arrayContaining([path(p, A), path(p, { ...A, message: 'again' })]) }),
  },
  {
    name: 'a revision file that cannot be read', revisions: [A], args: ['--url', UNREACHABLE, 'heads'],
    prepare: (p) => writeFileSync(join(p.dir, 'migrations', 'x_broken.ts'), "\n\nexport const revision = 'dddd0004';\nexport const downRevision = ['aaaa0001', f()];\n"),
    code: 'BadRevisionFile', exit: 2,
    fields: (p) => ({ path: join(p.dir, 'migrations', 'x_broken.ts'), file: join(p.dir, 'migrations', 'x_broken.ts'), line: 4, problem: expect.stringContaining('downRevision') }),
  },
  {
    name: 'a path separator in a revision id', revisions: [A], args: ['--url', UNREACHABLE, 'heads'],
    prepare: (p) => writeFileSync(join(p.dir, 'migrations', 'x_evil.ts'), "export const revision = '../../evil';\nexport const downRevision = null;\n"),
    code: 'BadRevisionFile', exit: 2,
    fields: (p) => ({ path: join(p.dir, 'migrations', 'x_evil.ts'), line: 1, problem: expect.stringContaining('../../evil') }),
  },
  {
    name: 'a config key misspelt', revisions: [A], args: ['heads'],
    prepare: (p, db) => writeFileSync(join(p.dir, 'retort.config.json'), JSON.stringify({ url: db.url, migrations: './migrations', versionTabel: 'v' })),
    code: 'ConfigInvalid', exit: 2,
    fields: (p) => ({ file: join(p.dir, 'retort.config.json'), key: 'versionTabel', suggestion: 'versionTable' }),
  },
  {
    name: 'no config at all', revisions: [], args: ['heads'], cwdEmpty: true,
    code: 'ConfigNotFound', exit: 2, fields: () => ({ names: expect.arrayContaining(['retort.config.ts']) }),
  },
  {
    name: 'an unknown target', revisions: [A], args: ['--target', 'analytcs', 'current'],
    code: 'UnknownTarget', exit: 2, fields: () => ({ target: 'analytcs' }),
  },
  {
    name: 'a bad URL', revisions: [A], args: ['--url', 'postgres://app:hunter22@127.0.0.1:99999/app', 'current'],
    code: 'BadUrl', exit: 2, fields: () => ({ url: 'postgres://app:***@127.0.0.1:99999/app' }),
  },
  {
    name: 'a database that does not exist', revisions: [A], args: ['--url', 'postgres://postgres@127.0.0.1:5432/retort_no_such_db', 'current'],
    code: 'DatabaseNotFound', exit: 1, fields: () => ({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'retort_no_such_db' }),
  },
  {
    name: 'a bad --rev-id', revisions: [A], args: ['revision', '-m', 'x', '--rev-id', '../../evil'],
    code: 'BadArgument', exit: 2, fields: () => ({ revision: '../../evil' }),
  },
  {
    name: 'a bad --branch-label', revisions: [A], args: ['revision', '-m', 'x', '--branch-label', 'a/b'],
    code: 'BadArgument', exit: 2, fields: () => ({ branchLabel: 'a/b' }),
  },
  ...(['sqlite', 'postgres', 'mysql'] as const).map((dialect): Row => ({
    name: `a script whose second statement fails (${dialect})`, dialect,
    revisions: [A, { id: 'eeee0005', down: 'aaaa0001', message: 'fails', upgrade: "  await op.execute('CREATE TABLE t2 (id INTEGER)');\n  await op.execute('SELEC broken');" }],
    args: ['upgrade', 'head'],
    code: 'MigrationFailed', exit: 1,
    fields: (p) => ({
      revision: 'eeee0005', direction: 'up', file: path(p, { id: 'eeee0005', message: 'fails' }),
      statement: 'SELEC broken', statementIndex: 2, statementsApplied: 1,
      // Where DDL is transactional the CREATE TABLE is rolled back; on MariaDB it committed.
      statementsCommitted: dialect === 'mysql' ? 1 : 0,
    }),
  })),
  {
    name: 'a script that throws between statements',
    revisions: [A, { id: 'eeee0005', down: 'aaaa0001', message: 'throws', upgrade: "  await op.execute('CREATE TABLE t2 (id INTEGER)');\n  throw new Error('boom');" }],
    args: ['upgrade', 'head'],
    code: 'MigrationFailed', exit: 1,
    fields: (p) => ({ revision: 'eeee0005', direction: 'up', file: path(p, { id: 'eeee0005', message: 'throws' }), statementsApplied: 1, statementsCommitted: 0 }),
  },
];

describe('errors carry a stable code and structured fields in --json', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.splice(0)) await fn();
  });

  async function project(revisions: readonly RevisionSpec[], dialect: TestDialect = 'sqlite'): Promise<{ p: TestProject; db: TestDatabase }> {
    const db = await createTestDatabase(dialect);
    const p = createTestProject({ url: db.url }, revisions);
    cleanups.push(() => p.cleanup(), () => db.drop());
    return { p, db };
  }

  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const { p, db } = await project(row.revisions, row.dialect);
    row.prepare?.(p, db);
    let cwd = p.dir;
    if (row.cwdEmpty) {
      cwd = mkdtempSync(join(tmpdir(), 'retort-empty-'));
      cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
    }
    const before = readdirSync(join(p.dir, 'migrations')).sort();
    const run = retort(cwd, ['--json', ...row.args]);
    const what = `${row.args.join(' ')}\n${run.stdout}${run.stderr}`;
    expect(run.code, what).toBe(row.exit);
    const body = run.json<{ error: Record<string, unknown> }>();
    expect(Object.keys(body), what).toEqual(['error']);
    expect(body.error, what).toMatchObject({ code: row.code, message: expect.any(String), ...row.fields(p) });
    // Text mode: the same code on stderr, nothing on stdout. On a fresh project: a failed run on
    // MariaDB leaves a failure to resolve, and the next run refuses (UnresolvedFailure).
    if (row.dialect !== undefined && row.dialect !== 'sqlite' && !row.cwdEmpty) {
      const fresh = await project(row.revisions, row.dialect);
      cwd = fresh.p.dir;
    }
    const text = retort(cwd, row.args);
    expect(text.code).toBe(row.exit);
    expect(text.stderr).toContain(`[${row.code}]`);
    expect(text.stdout).toBe('');
    // Bad input writes nothing: no revision file, above all none outside migrations/.
    if (row.exit === 2) expect(readdirSync(join(p.dir, 'migrations')).sort()).toEqual(before);
    expect(existsSync(join(p.dir, '..', 'evil.ts'))).toBe(false);
  });

  it('hostile targets on the command line: an input error in JSON, exit 2, for every command that takes one', async () => {
    const { p } = await project([A, B]);
    const targets = ['+1e309', '-99999999999999999999', '../../etc/passwd', 'aaaa\u202e0001\u{1F600}@head', 'x'.repeat(600)];
    const inputCodes = ['UnknownRevision', 'BadTarget', 'RelativeOutOfRange', 'RangeNotAllowed', 'AmbiguousRevision', 'RangeNotAncestor'];
    for (const target of targets) {
      const commands = [['upgrade', target], ['downgrade', target], ['stamp', target], ['show', target], ['history', '-r', target]];
      // Alembic's answer to `stamp -N` past the base is base (a walk off the graph is base there).
      for (const args of commands.filter((c) => !(c[0] === 'stamp' && target.startsWith('-')))) {
        const run = retort(p.dir, ['--json', ...args]);
        const what = `${JSON.stringify(args)}: ${run.stdout}${run.stderr}`;
        expect(run.code, what).toBe(2);
        expect(inputCodes, what).toContain(run.json().error.code);
      }
    }
    // Nothing ran: the database holds no version row.
    expect(retort(p.dir, ['--json', 'current']).json()).toEqual({ current: [] });
  });

  it('lock timeout: LockTimeout, exit 4, the target, the lock and the timeout as fields', async () => {
    const { p } = await project([
      A,
      { id: 'ffff0006', down: 'aaaa0001', message: 'slow', upgrade: '  await new Promise((r) => setTimeout(r, 6000));' },
    ]);
    // The first run holds the lock while its second revision sleeps.
    const holder = spawn(process.execPath, [BIN, 'upgrade', 'head'], { cwd: p.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let holderErr = '';
    holder.stderr.on('data', (d: Buffer) => (holderErr += d.toString()));
    const done = new Promise<number>((resolve) => holder.on('close', (code) => resolve(code ?? -1)));
    // Wait until it is inside the slow revision.
    for (let i = 0; i < 200 && !holderErr.includes('ffff0006'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(holderErr).toContain('ffff0006');
    const run = retort(p.dir, ['--json', 'upgrade', 'head', '--lock-timeout', '1s']);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.json().error).toMatchObject({ code: 'LockTimeout', target: expect.any(String), lock: expect.any(String), lockTimeoutSeconds: 1 });
    // SQLite cannot name a file lock's holder: the holding run says who it is, next to the lock file.
    expect(run.json().error.holder).toMatchObject({ pid: holder.pid, host: hostname() });
    expect(run.json().error.message).toContain(`it is held by retort process ${holder.pid} (`);
    expect(await done).toBe(0);
  });
});
