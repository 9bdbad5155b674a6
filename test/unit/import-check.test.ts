/**
 * unknownImport: the first name compiled code uses from 'retort-migrate' that the package does
 * not export (the loader refuses such a module with its file and line, import-check.ts).
 */
import { describe, expect, it } from 'vitest';
import { unknownImport } from '../../src/script/import-check.js';

/** A namespace-like object, as `import('retort-migrate')` gives (no prototype). */
const exported = Object.assign(Object.create(null) as Record<string, unknown>, { table: 1, integer: 1, varchar: 1, $weird: 1, sql: 1 });

describe('unknownImport', () => {
  it('finds nothing when every used name is exported, in any numbered import', () => {
    const code = 'const t = (0, import_retort_migrate.table)("t", { a: (0, import_retort_migrate2.integer)(), b: import_retort_migrate.$weird, c: import_retort_migrate.sql`x` });';
    expect(unknownImport(code, exported)).toBeUndefined();
  });

  it('names the first name that is not exported, though an exported name begins it', () => {
    expect(unknownImport('(0, import_retort_migrate.integer)(); (0, import_retort_migrate.integer2)(); import_retort_migrate.tinyint', exported)).toBe('integer2');
    expect(unknownImport('import_retort_migrate.tabl; import_retort_migrate.table', exported)).toBe('tabl');
    expect(unknownImport('import_retort_migrate.$weirder', exported)).toBe('$weirder');
  });

  it('answers for each set of exports on its own, and again on the same code', () => {
    const code = 'import_retort_migrate.table; import_retort_migrate.tinyint';
    expect(unknownImport(code, exported)).toBe('tinyint');
    expect(unknownImport(code, exported)).toBe('tinyint');
    expect(unknownImport(code, { ...exported, tinyint: 1 })).toBeUndefined();
    expect(unknownImport(code, {})).toBe('table');
  });

  it('ignores other objects\' members and names that only contain the import name', () => {
    expect(unknownImport('my_import_retort_migrate.nope; import_retort_migrate_x.nope; other.tinyint', exported)).toBeUndefined();
  });
});
