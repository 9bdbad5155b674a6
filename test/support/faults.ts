/**
 * What the connection-fault tests share: a two-revision project whose second revision inserts a
 * row, runs a sleep (the statement a fault hits), and inserts another; optionally waiting in the
 * script between statements for the test to act (a marker file written, a go file awaited); and
 * the checks every faulted run must pass (an exit code, one JSON error on stdout, nothing
 * unhandled on stderr).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AsyncRun } from './cli-async.js';
import { waitFor } from './cli-async.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { createTestProject, type RevisionSpec, type TestProject } from './project.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The server dialects the fault tests run on. */
export type ServerDialect = 'postgres' | 'mysql';

export const FIRST = 'fa17000000a1';
export const SECOND = 'fa17000000b2';

/** The sleep statement of the second revision; `-x sleep=S` sets its length (default 0.3 s). */
export function sleepSql(dialect: ServerDialect): string {
  return dialect === 'postgres' ? 'SELECT pg_sleep(${x.sleep ?? 0.3})' : 'SELECT SLEEP(${x.sleep ?? 0.3})';
}

/** The sleep statement as the server receives it with `seconds`. */
export function sentSleep(dialect: ServerDialect, seconds = 0.3): string {
  return dialect === 'postgres' ? `SELECT pg_sleep(${seconds})` : `SELECT SLEEP(${seconds})`;
}

/**
 * A pattern for the proxy matching `text` at the start of a query message of the protocol, so a
 * rule fires on the statement itself and not on a history row that quotes it (PostgreSQL: a
 * simple-query 'Q' message, where a revision's first statement follows the BEGIN that travels
 * with it; MySQL: a COM_QUERY packet).
 */
export function queryMessage(dialect: ServerDialect, text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return dialect === 'postgres' ? new RegExp(`Q[\\s\\S]{4}(?:BEGIN;\\n)?${escaped}`) : new RegExp(`\\x03${escaped}`);
}

/**
 * The revisions: the first creates `t (n int)`; the second inserts 2, optionally waits for the
 * test (`-x marker=FILE -x go=FILE`: writes FILE, then waits for the go file), sleeps, inserts 3.
 */
export function faultRevisions(dialect: ServerDialect): RevisionSpec[] {
  return [
    { id: FIRST, down: null, message: 'create t', imports: ['integer'], upgrade: "  await op.createTable('t', { n: integer() });" },
    {
      id: SECOND,
      down: FIRST,
      message: 'fill t',
      preamble: "import { existsSync, writeFileSync } from 'node:fs';",
      upgrade: [
        "  await op.execute('INSERT INTO t VALUES (2)');",
        '  if (x.marker) {',
        "    writeFileSync(x.marker, '');",
        '    while (!existsSync(x.go)) await new Promise((r) => setTimeout(r, 20));',
        '  }',
        `  await op.execute(\`${sleepSql(dialect)}\`);`,
        "  await op.execute('INSERT INTO t VALUES (3)');",
      ].join('\n'),
    },
  ];
}

/** A project with {@link faultRevisions} and `config` (its `url` is the direct one). */
export function faultProject(dialect: ServerDialect, config: Record<string, unknown>): TestProject {
  return createTestProject(config, faultRevisions(dialect));
}

/** The marker/go pair of a run that waits between statements, as `-x` arguments and controls. */
export function pausePoint(project: TestProject): { args: string[]; reached: () => Promise<void>; go: () => void } {
  const marker = join(project.dir, 'paused');
  const go = join(project.dir, 'go');
  return {
    args: ['-x', `marker=${marker}`, '-x', `go=${go}`],
    reached: () => waitFor('the script to pause between statements', () => existsSync(marker), 30_000),
    go: () => writeFileSync(go, ''),
  };
}

/**
 * A run that failed as a user must see it: exit `code`, exactly one JSON document on stdout whose
 * error has `errorCode`, and no crash text on stderr. Returns the error object.
 */
export function expectJsonFailure(run: AsyncRun, code: number, errorCode: string): Record<string, any> {
  const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.stderr, context).not.toMatch(/Unhandled|node:internal|UnhandledPromiseRejection|TypeError|Error: Connection terminated/);
  expect(run.signal, context).toBeNull();
  expect(run.code, context).toBe(code);
  const parsed = JSON.parse(run.stdout) as { error?: Record<string, any> };
  expect(parsed.error?.code, context).toBe(errorCode);
  return parsed.error!;
}

/** The shared servers' ports. */
const PORTS: Record<ServerDialect, number> = { postgres: 5432, mysql: 3306 };

/** What a fault test works on: a fresh database, a project whose config points at it, a proxy to its server. */
export interface FaultSetup {
  readonly db: TestDatabase;
  readonly project: TestProject;
  readonly proxy: TcpProxy;
}

/**
 * Cleanups registered by {@link faultSetup}, run (newest first) by {@link cleanUpFaults}: call it
 * from the test file's `afterEach`.
 */
const cleanups: (() => Promise<unknown> | void)[] = [];

/** A fresh database on the shared server of `dialect`, a {@link faultProject} on it (plus `config`), a proxy. */
export async function faultSetup(dialect: ServerDialect, config: Record<string, unknown> = {}): Promise<FaultSetup> {
  const db = await createTestDatabase(dialect, 'retort_fault');
  const project = faultProject(dialect, { url: db.url, ...config });
  const proxy = await startTcpProxy({ port: PORTS[dialect] });
  cleanups.push(() => db.drop(), () => project.cleanup(), () => proxy.close());
  return { db, project, proxy };
}

/** Register another cleanup (e.g. a second database) with those of {@link faultSetup}. */
export function onCleanUp(cleanup: () => Promise<unknown> | void): void {
  cleanups.push(cleanup);
}

/** Undo every {@link faultSetup} of the test. */
export async function cleanUpFaults(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
