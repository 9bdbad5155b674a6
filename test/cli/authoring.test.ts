/**
 * Writing revisions from the command line: init, list-templates, revision (ids, --head, --splice,
 * labels, dependencies, version paths), merge, and the graph commands reading them back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { retort } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempProject(config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'retort-authoring-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ url: 'sqlite:./app.db', migrations: './migrations', ...config }));
  mkdirSync(join(dir, 'migrations'));
  return dir;
}

function newRevision(dir: string, args: string[]) {
  const run = retort(dir, ['revision', '--json', ...args]);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return run.json<{ revision: string; path: string; downRevisions: string[] }>();
}

it('init writes a project that works at once, and list-templates names the templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retort-init-'));
  dirs.push(dir);
  const init = retort(dir, ['init', 'proj']);
  expect(init.code).toBe(0);
  expect(init.stdout).toContain('retort.config.ts');
  const project = join(dir, 'proj');
  expect(readFileSync(join(project, 'migrations/script.ts.tmpl'), 'utf8')).toContain('{{upgrade}}');
  const rev = newRevision(project, ['-m', 'first']);
  expect(rev.revision).toMatch(/^[0-9a-f]{12}$/);
  expect(retort(project, ['upgrade', 'head']).code).toBe(0);
  expect(retort(project, ['current', '--json']).json()).toEqual({ current: [rev.revision] });
  const again = retort(dir, ['init', 'proj']);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('FileExists');
  const templates = retort(dir, ['list-templates', '--json']).json<{ templates: { name: string }[] }>();
  expect(templates.templates.map((t) => t.name).sort()).toEqual(['default', 'multi']);
});

it('sequential ids, branches with --head/--splice/--branch-label, dependencies and a merge', () => {
  const dir = tempProject({ revisionIds: 'sequential' });
  const first = newRevision(dir, ['-m', 'create accounts']);
  expect(first.revision).toBe('0001');
  expect(basename(first.path)).toBe('0001_create_accounts.ts');
  const second = newRevision(dir, ['-m', 'add email']);
  expect(second).toMatchObject({ revision: '0002', downRevisions: ['0001'] });

  const notHead = retort(dir, ['revision', '-m', 'branch', '--head', '0001', '--json']);
  expect(notHead.code).toBe(2);
  expect(notHead.json().error.message).toContain('not a head');
  const branch = newRevision(dir, ['-m', 'shopping cart', '--head', '0001', '--splice', '--branch-label', 'cart']);
  expect(branch).toMatchObject({ revision: '0003', downRevisions: ['0001'] });

  const heads = retort(dir, ['heads', '--json']).json<{ heads: string[] }>();
  expect(heads.heads.sort()).toEqual(['0002', '0003']);
  const multiple = retort(dir, ['revision', '-m', 'ambiguous', '--json']);
  expect(multiple.code).toBe(2);
  expect(multiple.json().error.code).toBe('MultipleHeads');

  const onCart = newRevision(dir, ['-m', 'cart items', '--head', 'cart@head']);
  expect(onCart).toMatchObject({ revision: '0004', downRevisions: ['0003'] });

  const branches = retort(dir, ['branches', '--json']).json<{ branches: { revision: string }[] }>();
  expect(branches.branches.map((b) => b.revision)).toEqual(['0001']);

  const merge = retort(dir, ['merge', 'heads', '-m', 'merge cart', '--json']);
  expect(merge.code, merge.stderr).toBe(0);
  expect(merge.json()).toMatchObject({ revision: '0005', downRevisions: ['0002', '0004'] });
  expect(retort(dir, ['heads', '--json']).json()).toEqual({ heads: ['0005'] });
  const show = retort(dir, ['show', '0005']);
  expect(show.stdout).toContain('Merges: 0002, 0004');

  const history = retort(dir, ['history', '--json']).json<{ revisions: { revision: string; isMergePoint: boolean; isBranchPoint: boolean }[] }>();
  expect(history.revisions[0]).toMatchObject({ revision: '0005', isMergePoint: true });
  expect(history.revisions.find((r) => r.revision === '0001')).toMatchObject({ isBranchPoint: true });

  // As Alembic: a dependency given by label stays a label, a partial id becomes the full id.
  const dependent = newRevision(dir, ['-m', 'uses the cart', '--depends-on', 'cart', '--depends-on', '0002']);
  expect(readFileSync(dependent.path, 'utf8')).toContain("export const dependsOn: string[] = ['cart', '0002'];");

  expect(retort(dir, ['upgrade', 'head']).code).toBe(0);
  expect(retort(dir, ['current', '--json']).json()).toEqual({ current: ['0006'] });
  expect(retort(dir, ['downgrade', '0005']).code).toBe(0);
  expect(retort(dir, ['current', '--json']).json()).toEqual({ current: ['0005'] });
  const marked = retort(dir, ['history', '-i']);
  // Alembic's line: a merge's parents without parentheses, the label 0005 inherits from 0003, (current) before (mergepoint).
  expect(marked.stdout).toContain('0002, 0004 -> 0005 (cart) (current) (mergepoint), merge cart');
});

it('--rev-id and --version-path, and the errors for a taken id or an unknown directory', () => {
  const dir = tempProject({ migrations: ['./migrations', './plugins/audit'] });
  mkdirSync(join(dir, 'plugins/audit'), { recursive: true });
  const noPath = retort(dir, ['revision', '-m', 'first', '--json']);
  expect(noPath.code).toBe(2);
  expect(noPath.json().error.message).toContain('Several version directories');
  const first = newRevision(dir, ['-m', 'first', '--rev-id', 'cafe0001', '--version-path', './migrations']);
  expect(first.path).toBe(join(dir, 'migrations', 'cafe0001_first.ts'));
  const audit = newRevision(dir, ['-m', 'audit log', '--head', 'base', '--version-path', './plugins/audit', '--branch-label', 'audit']);
  expect(audit.path.startsWith(join(dir, 'plugins/audit'))).toBe(true);
  const taken = retort(dir, ['revision', '-m', 'again', '--rev-id', 'cafe0001', '--head', 'cafe0001', '--json']);
  expect(taken.code).toBe(2);
  expect(taken.json().error.code).toBe('DuplicateRevision');
  const badPath = retort(dir, ['revision', '-m', 'x', '--version-path', './elsewhere', '--head', 'audit@head', '--json']);
  expect(badPath.code).toBe(2);
  expect(badPath.json().error.message).toContain('not one of the configured version directories');
});

it('offline SQL: upgrade --sql, downgrade --sql FROM:TO and stamp --sql print statements and touch nothing', () => {
  const dir = tempProject();
  const rev = newRevision(dir, ['-m', 'first']);
  const up = retort(dir, ['upgrade', 'head', '--sql']);
  expect(up.code).toBe(0);
  expect(up.stdout).toContain('CREATE TABLE IF NOT EXISTS "retort_version"');
  expect(up.stdout).toContain(`INSERT INTO "retort_version" ("version_num") VALUES ('${rev.revision}');`);
  expect(up.stdout).toContain('BEGIN IMMEDIATE;');
  const down = retort(dir, ['downgrade', '--sql', 'head']);
  expect(down.code).toBe(2);
  expect(down.stderr).toContain('FROM:TO');
  const downRange = retort(dir, ['downgrade', '--sql', `${rev.revision}:base`]);
  expect(downRange.stdout).toContain(`DELETE FROM "retort_version" WHERE "version_num" = '${rev.revision}';`);
  const stamp = retort(dir, ['stamp', '--sql', 'head']);
  expect(stamp.stdout).toContain(`INSERT INTO "retort_version" ("version_num") VALUES ('${rev.revision}');`);
  expect(() => readFileSync(join(dir, 'app.db'))).toThrow();
});
