/**
 * The Alembic script header reader (no Python): every header shape Alembic's templates wrote
 * (0.6 without labels, 0.7-1.10 plain, 1.11+ annotated, merges as tuples), the shapes people
 * write by hand, and a clear file:line error for what cannot be known without running Python.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAlembicScripts } from '../../src/adopt/alembic/convert.js';
import { readAlembicScript } from '../../src/adopt/alembic/script.js';
import { isRetortError } from '../../src/errors.js';

const read = (source: string) => readAlembicScript('v.py', source);

function failure(source: string): { code: string; message: string; line: unknown } {
  try {
    read(source);
  } catch (error) {
    if (isRetortError(error)) return { code: error.code, message: error.message, line: error.fields.line };
    throw error;
  }
  throw new Error('expected the script to be refused');
}

describe('Alembic script headers', () => {
  it('reads the 1.16 template: annotations, a merge tuple, docstring message and Create Date', () => {
    const s = read(`"""merge cart and orders

Revision ID: 3cac04ae8714
Revises: 27c6a30d7c24, 55af2cb1c267
Create Date: 2025-06-01 08:00:00.000000+02:00

"""
from typing import Sequence, Union

# revision identifiers, used by Alembic.
revision: str = '3cac04ae8714'
down_revision: Union[str, Sequence[str], None] = ('27c6a30d7c24', '55af2cb1c267')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    ...
`);
    expect(s).toMatchObject({
      revision: '3cac04ae8714', downRevisions: ['27c6a30d7c24', '55af2cb1c267'], branchLabels: [], dependsOn: [],
      message: 'merge cart and orders', createDate: '2025-06-01 08:00:00.000000+02:00',
      lines: { revision: 11, down_revision: 12, branch_labels: 13, depends_on: 14 },
    });
    expect([...s.empty].sort()).toEqual(['downgrade', 'upgrade']);
    expect(s.upgrade).toBe('def upgrade() -> None:\n    """Upgrade schema."""\n    pass');
    expect(s.rest).toBe('from typing import Sequence, Union');
  });

  it("reads old and hand-written shapes: no labels at all, ''' docstrings, r-strings, concatenation, lists, bare tuples, continuations, ';'", () => {
    expect(read(`'''first line\nsecond line of the message\n\nRevision ID: a1\n'''\nrevision = r'a1'\ndown_revision = None\n`)).toMatchObject({
      revision: 'a1', downRevisions: [], branchLabels: [], dependsOn: [], message: 'first line\nsecond line of the message', createDate: undefined, upgrade: undefined,
    });
    const s = read(`import x\nrevision = "b" 'c'  # adjacent strings join\ndown_revision = \\\n  'a1', "a2",\nbranch_labels: str | list[str] | None = ["net", 'work']; depends_on = (\n  'q1',  # a comment\n  u'q2'\n)\ndef upgrade(): op.execute("SELECT '#not a comment'")\n`);
    expect(s).toMatchObject({ revision: 'bc', downRevisions: ['a1', 'a2'], branchLabels: ['net', 'work'], dependsOn: ['q1', 'q2'], message: '', lines: { depends_on: 5 } });
    expect(s.upgrade).toBe(`def upgrade(): op.execute("SELECT '#not a comment'")`);
    expect(s.empty.size).toBe(0);
    // As in Python, the last assignment wins; a string label is one label.
    expect(read(`revision = 'x'\nrevision = 'y'\nbranch_labels = 'only'\n`)).toMatchObject({ revision: 'y', branchLabels: ['only'] });
  });

  it('refuses what needs Python to be known, naming the line (exit 2)', () => {
    expect(failure(`"""m"""\nrevision = 'a'\ndown_revision = BASE_REV\n`)).toMatchObject({ code: 'BadRevisionFile', line: 3 });
    expect(failure(`revision = 'a'\n\ndepends_on = (f'x{1}',)\n`)).toMatchObject({ code: 'BadRevisionFile', line: 3 });
    expect(failure(`revision = 'a'\ndown_revision = 'b' + 'c'\n`).message).toContain("v.py:2: '+' where a string literal was expected");
    expect(failure(`revision = 'a'\ndown_revision = ('b', ('c',))\n`)).toMatchObject({ line: 2 });
    expect(failure(`revision = 'a'\ndown_revision: Optional[str]\n`).message).toContain('annotated but never given a value');
    expect(failure(`x = 1\nrevision = """never\nclosed\n`).message).toContain('v.py:2: a string that is never closed');
    expect(failure(`def upgrade():\n    pass\n`).message).toContain('no `revision = ...` assignment');
    expect(failure(`revision = 'a-b'\n`).message).toContain("revision 'a-b' contains '-'");
    expect(failure(`revision = 'a'\nbranch_labels = ('x', (\n`).message).toContain('v.py:2: a bracket that is never closed');
  });

  it('reads a folder: the project folder leads to versions/, duplicates and missing parents are named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retort-alembic-unit-'));
    try {
      mkdirSync(join(dir, 'versions'));
      writeFileSync(join(dir, 'env.py'), '');
      writeFileSync(join(dir, 'versions', '__init__.py'), '');
      writeFileSync(join(dir, 'versions', 'a.py'), "revision = 'a'\ndown_revision = None\n");
      writeFileSync(join(dir, 'versions', 'b.py'), "revision = 'b'\n\ndown_revision = 'zz'\n");
      expect(() => readAlembicScripts(dir)).toThrow(/b\.py:3: down_revision zz is not declared by any script/);
      writeFileSync(join(dir, 'versions', 'b.py'), "revision = 'a'\n");
      expect(() => readAlembicScripts(dir)).toThrow(/Revision a is declared by both .*a\.py and .*b\.py/);
      writeFileSync(join(dir, 'versions', 'b.py'), "revision = 'b'\ndown_revision = 'a'\n");
      expect(readAlembicScripts(dir).map((s) => [s.revision, s.downRevisions])).toEqual([['a', []], ['b', ['a']]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
