/**
 * Drift rows and edit cycles on PostgreSQL, shared by the drift test files: a change made behind
 * retort's back must fail `check` and be named there (library and CLI), and an edit of the schema
 * module must upgrade, check clean, and downgrade to the very same catalog.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { retort as cli } from './cli.js';
import type { TestProject } from './project.js';
import { catalogSnapshot, compareSnapshots, differenceLines } from './pg-catalog-snapshot.js';

/** One change behind retort's back, how to undo it, and what `check` must name. */
export interface Drift {
  readonly what: string;
  readonly change: string;
  readonly undo: string;
  readonly names: readonly (string | RegExp)[];
  /** What `check` must not say (a serial column's sequence is part of the column, not an object). */
  readonly absent?: readonly string[];
}

/** Make `drift` with `sql`: `check` fails and names it; undone, `check` is clean again. */
export async function expectDriftNamed(project: TestProject, sql: (text: string) => Promise<void>, drift: Drift): Promise<void> {
  await sql(drift.change);
  try {
    const check = await project.retort.check();
    expect(check.ok, check.rendered).toBe(false);
    for (const name of drift.names) expect(check.rendered).toContain(name);
    for (const text of drift.absent ?? []) expect(check.rendered).not.toContain(text);
  } finally {
    await sql(drift.undo);
  }
  const clean = await project.retort.check();
  expect(clean.rendered, `undoing '${drift.what}' left a difference`).toBe('');
}

/** The same through the CLI: `retort check` exits 3 and prints `shown`, then 0 once undone. */
export async function expectCliDrift(project: TestProject, sql: (text: string) => Promise<void>, drift: Drift, shown: string): Promise<void> {
  await sql(drift.change);
  try {
    const result = cli(project.dir, ['check']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain(shown);
  } finally {
    await sql(drift.undo);
  }
  expect(cli(project.dir, ['check']).code).toBe(0);
}

/**
 * One edit cycle: write `edited` to the project's `schemaFile`, autogenerate, upgrade, `check`
 * clean, downgrade, the catalog at `url` equals the one before exactly, upgrade again, `check`
 * clean, downgrade; then the revision is removed and `original` written back.
 */
export async function expectEditCycle(project: TestProject, url: string, schemaFile: string, message: string, edited: string, original: string): Promise<void> {
  const before = await catalogSnapshot(url);
  writeFileSync(schemaFile, edited);
  const generated = await project.retort.autogenerate({ message });
  try {
    expect(generated.empty).toBe(false);
    await project.retort.upgrade('head');
    const after = await project.retort.check();
    expect(after.rendered, 'the upgrade did not reach the edited schema').toBe('');
    await project.retort.downgrade('-1');
    expect(differenceLines(compareSnapshots(before, await catalogSnapshot(url)), before, before)).toEqual([]);
    await project.retort.upgrade('head');
    expect((await project.retort.check()).ok).toBe(true);
    await project.retort.downgrade('-1');
  } finally {
    rmSync(generated.path);
    writeFileSync(schemaFile, original);
  }
  expect((await project.retort.check()).ok).toBe(true);
}
