import { describe, expect, it } from 'vitest';
import { readRevisionHeader } from '../../src/script/header.js';
import { isRetortError, RetortError } from '../../src/errors.js';

const CONTRACT_EXAMPLE = `/** add books table */
import type { MigrationContext } from 'retort-migrate';
import { bigint, text, varchar, timestamp } from 'retort-migrate';

export const revision = '1f2a3b4c5d6e';
export const downRevision: string | string[] | null = null;   // an array makes a merge
export const branchLabels: string[] = [];
export const dependsOn: string[] = [];

export async function upgrade({ op, db }: MigrationContext) {
  await op.createTable('books', {
    id: bigint().unsigned().primaryKey().autoIncrement(),
    title: text().notNull(),
  });
}

export async function downgrade({ op }: MigrationContext) {
  await op.dropTable('books');
}
`;

function expectBadFile(source: string, problem: RegExp, line?: number): RetortError {
  try {
    readRevisionHeader('/m/x.ts', source);
  } catch (error) {
    expect(isRetortError(error)).toBe(true);
    const e = error as RetortError;
    expect(e.code).toBe('BadRevisionFile');
    expect(e.fields.path).toBe('/m/x.ts');
    expect(String(e.fields.problem)).toMatch(problem);
    if (line !== undefined) {
      expect(e.fields.line).toBe(line);
      expect(e.message).toContain(`/m/x.ts:${line}`);
    }
    expect(e.hint).toBeTruthy();
    return e;
  }
  throw new Error('expected BadRevisionFile');
}

describe('readRevisionHeader', () => {
  it('reads the contract example', () => {
    expect(readRevisionHeader('/m/1f2a_add.ts', CONTRACT_EXAMPLE)).toEqual({
      revision: '1f2a3b4c5d6e',
      downRevisions: [],
      branchLabels: [],
      dependsOn: [],
      message: 'add books table',
      path: '/m/1f2a_add.ts',
    });
  });

  it('reads a merge, labels and dependencies', () => {
    const h = readRevisionHeader('/m/x.ts', `/** merge heads */
export const revision = 'ccc';
export const downRevision = ['aaa', 'bbb'];
export const branchLabels = ['feature'];
export const dependsOn = ['ddd', 'other-label'];
`);
    expect(h.downRevisions).toEqual(['aaa', 'bbb']);
    expect(h.branchLabels).toEqual(['feature']);
    expect(h.dependsOn).toEqual(['ddd', 'other-label']);
    expect(h.message).toBe('merge heads');
  });

  it('accepts Alembic spellings, let/var, all quotes, trailing commas, comments and annotations', () => {
    const h = readRevisionHeader('/m/x.ts', `// @ts-nocheck
/**
 * Add the isbn column
 *
 * Revision ID: 0002
 */
export let revision: string = "0002";
export var down_revision: Array<string> | readonly string[] | null = [
  \`0001a\`, // first parent
  /* second */ '0001b',
];
export const branch_labels: ReadonlyArray<string> = [];
export const depends_on: ((x: string) => void) | string | null = undefined;
`);
    expect(h).toMatchObject({
      revision: '0002',
      downRevisions: ['0001a', '0001b'],
      branchLabels: [],
      dependsOn: [],
      message: 'Add the isbn column',
    });
  });

  it('treats a single string as one parent and ignores braces, quotes and regexes inside bodies', () => {
    const h = readRevisionHeader('/m/x.ts', `/** tricky */
const helper = { revision: 'nope', s: "}", t: \`\${'}'} export const revision = 'x'\`, r: /['"}]/g };
function f(a: number) { return a / 2 / 3; }
export const revision = 'abc';
export const downRevision = 'parent' as const;
`);
    expect(h.revision).toBe('abc');
    expect(h.downRevisions).toEqual(['parent']);
    expect(h.branchLabels).toEqual([]);
  });

  it('finds declarations placed after the upgrade function', () => {
    const h = readRevisionHeader('/m/x.ts', `export async function upgrade() { if (x) { y('{'); } }
export const revision = 'late';
export const downRevision = null;
export const dependsOn = ['a'];
`);
    expect(h).toMatchObject({ revision: 'late', dependsOn: ['a'], message: '' });
  });

  it('prefers the doc comment over a licence banner and ignores comments after the first export', () => {
    const h = readRevisionHeader('/m/x.ts', `/* Copyright ACME */
/** the real message */
export const revision = 'a1';
/** not this */
export const downRevision = null;
`);
    expect(h.message).toBe('the real message');
    const plain = readRevisionHeader('/m/x.ts', `/* only a plain comment */
export const revision = 'a1';
export const downRevision = null;
`);
    expect(plain.message).toBe('only a plain comment');
    const blankFirstLine = readRevisionHeader('/m/x.ts', `/**\n *\n * Revision ID: a1\n */\nexport const revision = 'a1';\nexport const downRevision = null;`);
    expect(blankFirstLine.message).toBe('');
  });

  it('decodes escapes in the message-bearing strings and keeps unicode messages', () => {
    const h = readRevisionHeader('/m/x.ts', `/** ajoute la table « livres » ✓ */
export const revision = '\\x61bc';
export const downRevision = null;
`);
    expect(h.revision).toBe('abc');
    expect(h.message).toBe('ajoute la table « livres » ✓');
  });

  it('returns frozen headers with de-duplicated lists', () => {
    const h = readRevisionHeader('/m/x.ts', `export const revision = 'a';
export const downRevision = ['b', 'b'];`);
    expect(h.downRevisions).toEqual(['b']);
    expect(Object.isFrozen(h)).toBe(true);
    expect(Object.isFrozen(h.downRevisions)).toBe(true);
  });
});

describe('readRevisionHeader errors', () => {
  it('names a missing revision', () => {
    expectBadFile(`export const downRevision = null;`, /no `export const revision/);
  });

  it('names a missing downRevision', () => {
    expectBadFile(`export const revision = 'a';`, /no `export const downRevision/);
  });

  it('rejects a computed value with its line', () => {
    expectBadFile(`/** m */\nexport const revision = 'a';\nexport const downRevision = makeId();\n`, /must be null, a string literal/, 3);
    expectBadFile(`export const revision = 'a';\nexport const downRevision = [\`\${x}\`];`, /must be null/, 2);
    expectBadFile(`export const revision = ['a'];\nexport const downRevision = null;`, /single string literal/, 1);
    expectBadFile(`export const revision = null;\nexport const downRevision = null;`, /single string literal/, 1);
  });

  it('rejects a declaration without a value', () => {
    expectBadFile(`export let revision: string;\nexport const downRevision = null;`, /has no value/, 1);
  });

  it('rejects a field declared twice, also under both spellings', () => {
    expectBadFile(`export const revision = 'a';\nexport const revision = 'b';`, /declared twice/, 2);
    expectBadFile(`export const revision = 'a';\nexport const downRevision = null;\nexport const down_revision = null;`, /declared twice/, 3);
  });

  it.each([
    ['a/b', /contains '\/'/],
    ['a\\\\b', /contains '\\'/],
    ['a..b', /contains '\.\.'/],
    ['a b', /whitespace/],
    ['a\\tb', /whitespace or a control/],
    ['a\\u0000b', /control/],
    ['a@b', /contains '@'/],
    ['a-b', /contains '-'/],
    ['a+1', /contains '\+'/],
    ['', /is empty/],
    ['x'.repeat(65), /65 characters long/],
    ['head', /reserved/],
  ])('rejects the revision id %j', (id, problem) => {
    expectBadFile(`export const revision = '${id}';\nexport const downRevision = null;`, problem, 1);
  });

  it('validates parents, labels and dependencies too', () => {
    expectBadFile(`export const revision = 'a';\nexport const downRevision = ['../etc'];`, /down revision/, 2);
    expectBadFile(`export const revision = 'a';\nexport const downRevision = null;\nexport const branchLabels = ['x@y'];`, /branch label/, 3);
    expectBadFile(`export const revision = 'a';\nexport const downRevision = null;\nexport const dependsOn = ['a b'];`, /dependency/, 3);
    // A label may contain '-', an id may not.
    expect(readRevisionHeader('/m/x.ts', `export const revision = 'a';\nexport const downRevision = null;\nexport const branchLabels = ['my-feature'];`).branchLabels).toEqual(['my-feature']);
  });

  it('reports an unterminated string in a header value with its line', () => {
    expectBadFile(`export const revision = 'abc\nexport const downRevision = null;`, /unterminated string/, 1);
  });

  it('mentions an unterminated construct when the revision cannot be found', () => {
    const e = expectBadFile('const s = `never closed\nexport const revision = \'a\';', /unterminated/);
    expect(e.fields.line).toBe(1);
  });
});
