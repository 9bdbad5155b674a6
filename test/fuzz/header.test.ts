/**
 * Fuzzes the revision header reader (src/script/header.ts, lexer.ts, directory.ts): generated
 * headers with random spellings, quotes, annotations and values (checked against what was
 * written), the same files mutated at random (brackets, quotes, comments, template literals cut
 * in), character soup, hostile values (`../`, `/`, `\`, unicode, NUL, 64+ characters) and 10 MB
 * files. Every case must end in a header or `BadRevisionFile` (exit 2) within its time limit, and
 * no header may carry an id or label that could not be a file name.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRevisionFile, scanVersionDirectoriesSync } from '../../src/script/directory.js';
import { readRevisionHeader } from '../../src/script/header.js';
import { branchLabelProblem, revisionIdProblem, validateRevisionId } from '../../src/script/ids.js';
import { writeRevision } from '../../src/script/writer.js';
import type { RevisionHeader } from '../../src/script/revision.js';
import { cpuMsSince, HOSTILE_PIECES, outcome, Random, SEED } from './random.js';

const CASE_MS = 100;
/** A 10 MB scan must stay linear: about a second on a shared 2-core machine, a quadratic scan takes hours. */
const BIG_MS = 1_500;
const MB = 1024 * 1024;

/** What a generated file declares. */
interface Declared {
  revision: string;
  down: string[] | null;
  labels: string[];
  deps: string[];
  message: string;
}

const ID_CHARS = 'abcdef0123456789_XYZéß';

function validId(random: Random): string {
  return random.chars(ID_CHARS, 1 + random.int(16));
}

/** A value that may be fine or hostile: ids with path separators, unicode, control characters. */
function maybeHostileId(random: Random): string {
  if (random.chance(0.5)) return validId(random);
  let text = validId(random);
  for (let n = 1 + random.int(3); n > 0; n--) {
    const at = random.int(text.length + 1);
    text = text.slice(0, at) + random.pick(HOSTILE_PIECES) + text.slice(at);
  }
  if (random.chance(0.05)) text = text.repeat(5 + random.int(50));
  return text;
}

/** A string literal for `value` in a random quote style, escaping what needs it. */
function literal(random: Random, value: string): string {
  const quote = random.pick(["'", '"', '`']);
  const escaped = value.replace(/[\\'"`$\n\r\u2028\u2029]/g, (c) => (c === '$' ? '\\$' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
  return `${quote}${escaped}${quote}`;
}

function arrayLiteral(random: Random, values: readonly string[]): string {
  const sep = random.pick([', ', ',', ',\n  ', ' /* c */ , ']);
  return `[${values.map((v) => literal(random, v)).join(sep)}${random.chance(0.3) && values.length > 0 ? ',' : ''}]`;
}

/** A whole revision file in one of the many shapes users (and Alembic ports) write. */
function generate(random: Random, ids: (r: Random) => string): { source: string; declared: Declared } {
  const declared: Declared = {
    revision: ids(random),
    down: random.chance(0.3) ? null : Array.from({ length: 1 + random.int(3) }, () => ids(random)),
    labels: random.chance(0.6) ? [] : Array.from({ length: 1 + random.int(2) }, () => ids(random)),
    deps: random.chance(0.7) ? [] : Array.from({ length: 1 + random.int(2) }, () => ids(random)),
    message: random.pick(['add books', 'ünïcode ✓ message', '', 'with */ inside']),
  };
  const kw = () => random.pick(['const', 'let', 'var']);
  const name = (camel: string, snake: string) => (random.chance(0.7) ? camel : snake);
  const annotation = () => random.pick(['', ': string', ': string | string[] | null', ': readonly string[]', ': Array<string>', ': (() => void) | null']);
  const down =
    declared.down === null ? random.pick(['null', 'undefined'])
    : declared.down.length === 1 && random.chance(0.5) ? literal(random, declared.down[0]!)
    : arrayLiteral(random, declared.down);
  const lines = [
    `export ${kw()} ${name('revision', 'revision')}${annotation()} = ${literal(random, declared.revision)};`,
    `export ${kw()} ${name('downRevision', 'down_revision')}${annotation()} = ${down};`,
    `export ${kw()} ${name('branchLabels', 'branch_labels')}${annotation()} = ${arrayLiteral(random, declared.labels)};`,
    `export ${kw()} ${name('dependsOn', 'depends_on')}${annotation()} = ${arrayLiteral(random, declared.deps)};`,
  ];
  // Header lines in any order, with noise between them that cannot change the header.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  const noise = () => random.pick([
    '', '// a comment with export const revision = "x"\n', '/* { [ ( */\n', "const s = '}' + \"]\" + `${'{'}`;\n",
    'const r = /[}\\]]/g;\n', 'function f() { return { a: [1, 2, (3)] }; }\n', 'export const other = 1;\n',
    'const t = `line\n${`nested ${1}`}`;\n', "import type { MigrationContext } from 'retort-migrate';\n",
  ]);
  const body = lines.map((l) => noise() + l + '\n').join('');
  const message = declared.message.replace(/\*\//g, '*\\/');
  const source =
    `/** ${message} */\n${body}${noise()}\nexport async function upgrade({ op }) {\n  await op.execute('SELECT 1');\n}\n` +
    'export async function downgrade() {}\n';
  return { source, declared };
}

/** A header the reader returned must hold only ids and labels that are safe as file names and SQL. */
function checkHeader(header: RevisionHeader, what: string): void {
  expect(revisionIdProblem(header.revision), what).toBeUndefined();
  for (const d of header.downRevisions) expect(revisionIdProblem(d), what).toBeUndefined();
  for (const l of [...header.branchLabels, ...header.dependsOn]) expect(branchLabelProblem(l), what).toBeUndefined();
  for (const value of [header.revision, ...header.downRevisions, ...header.branchLabels, ...header.dependsOn]) {
    expect(value, what).not.toMatch(/[/\\\0]|\.\./);
  }
}

/** Reads `source` both ways (file reader and directory reader) and checks the invariants. */
function read(source: string, what: string, maxMs = CASE_MS): { code: string; header?: RevisionHeader } {
  let header: RevisionHeader | undefined;
  const code = outcome(what, () => {
    header = readRevisionHeader('/m/fuzz.ts', source);
  }, maxMs);
  outcome(`${what} (directory reader)`, () => readRevisionFile('/m/fuzz.ts', source), maxMs);
  if (header !== undefined) checkHeader(header, what);
  return header === undefined ? { code } : { code, header };
}

/** Inserts, deletes, duplicates or truncates at random: what editors, merges and attackers do. */
function mutate(random: Random, source: string): string {
  let out = source;
  const cuts = ['{', '}', '(', ')', '[', ']', "'", '"', '`', '${', '/*', '*/', '//', '/', '\\', '\n', '=', ';', ',', 'export ', 'const ', '\0', '\u2028', '\ufeff'];
  for (let n = 1 + random.int(5); n > 0; n--) {
    const at = random.int(out.length + 1);
    switch (random.int(5)) {
      case 0: out = out.slice(0, at) + random.pick(cuts) + out.slice(at); break;
      case 1: out = out.slice(0, at) + random.pick(HOSTILE_PIECES) + out.slice(at); break;
      case 2: out = out.slice(0, at) + out.slice(at + 1 + random.int(20)); break;
      case 3: out = out.slice(0, at) + out.slice(at, at + random.int(40)).repeat(2 + random.int(4)) + out.slice(at); break;
      default: out = out.slice(0, at); break;
    }
  }
  return out;
}

describe(`revision header fuzz (seed ${SEED})`, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('generated headers with valid values read back exactly as written', () => {
    const random = new Random(SEED);
    for (let i = 0; i < 1000; i++) {
      const { source, declared } = generate(random, validId);
      const what = `valid case ${i}: ${JSON.stringify(source.slice(0, 600))}`;
      const { code, header } = read(source, what);
      expect(code, what).toBe('ok');
      expect(header!.revision, what).toBe(declared.revision);
      expect(header!.downRevisions, what).toEqual([...new Set(declared.down ?? [])]);
      expect(header!.branchLabels, what).toEqual([...new Set(declared.labels)]);
      expect(header!.dependsOn, what).toEqual([...new Set(declared.deps)]);
      expect(header!.message, what).toBe(declared.message.trim());
    }
  });

  it('hostile values: anything with a path separator, `..`, NUL or control characters is refused', () => {
    const random = new Random(SEED + 1);
    const codes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const { source, declared } = generate(random, maybeHostileId);
      const what = `hostile case ${i}: ${JSON.stringify(source.slice(0, 600))}`;
      const { code } = read(source, what);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const values = [declared.revision, ...(declared.down ?? []), ...declared.labels, ...declared.deps];
      if (values.some((v) => /[/\\\0]|\.\./.test(v))) expect(code, what).toBe('BadRevisionFile');
    }
    expect(codes.get('ok') ?? 0).toBeGreaterThan(50);
    expect(codes.get('BadRevisionFile') ?? 0).toBeGreaterThan(300);
  });

  it('ids and labels the writer accepts (--rev-id, --branch-label) round-trip through a file on disk', () => {
    const random = new Random(SEED + 4);
    const dir = mkdtempSync(join(tmpdir(), 'retort-fuzz-ids-'));
    dirs.push(dir);
    const versions = join(dir, 'migrations');
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const id = maybeHostileId(random);
      const label = maybeHostileId(random);
      const what = `case ${i}: id ${JSON.stringify(id)}, label ${JSON.stringify(label)}`;
      let written: string | undefined;
      const code = outcome(what, () => {
        validateRevisionId(id);
        written = writeRevision({ dir: versions, revision: id, message: `m ${i}`, downRevisions: [], branchLabels: [label] });
      }, CASE_MS * 5);
      if (code !== 'ok') {
        expect(code, what).toBe('BadArgument');
        continue;
      }
      accepted++;
      // The file lands in the version directory, whatever the id.
      expect(dirname(written!), what).toBe(versions);
      const headers = scanVersionDirectoriesSync([versions]);
      expect(headers.map((h) => [h.revision, h.branchLabels]), what).toEqual([[id, [label]]]);
      for (const name of readdirSync(versions)) rmSync(join(versions, name));
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('mutated files and character soup: a header or BadRevisionFile, never a crash or a hang', () => {
    const random = new Random(SEED + 2);
    for (let i = 0; i < 1200; i++) {
      const { source } = generate(random, random.chance(0.8) ? validId : maybeHostileId);
      const mutated = mutate(random, source);
      read(mutated, `mutated case ${i}: ${JSON.stringify(mutated.slice(0, 800))}`);
    }
    const soup = "{}()[]'\"`$/\\*\n\r\t =;,.export const revision downRevision null ab12\0\u2028\u202e\u{1F600}é\ud800";
    const alphabet = [...soup];
    for (let i = 0; i < 600; i++) {
      let text = '';
      for (let n = random.int(400); n > 0; n--) text += random.pick(alphabet);
      read(text, `soup case ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('deeply nested brackets in a header value, and before it, end quickly', () => {
    const tail = "\nexport const revision = 'a1';\nexport const downRevision = null;\n";
    const cases: [string, string][] = [
      ['nested arrays as the value', `export const revision = ${'['.repeat(MB)}'a'${']'.repeat(MB)};` + tail],
      ['nested calls before the header', `${'f('.repeat(MB)}${')'.repeat(MB)}` + tail],
      ['nested templates before the header', `${'`${'.repeat(MB / 4)}${'}`'.repeat(MB / 4)}` + tail],
      ['an annotation that never reaches =', `export const revision: ${'Array<'.repeat(MB)}`],
    ];
    for (const [name, source] of cases) read(source, name, BIG_MS);
  });

  describe('10 MB files scan in about a second, through the directory scanner too', () => {
    // Whole pieces only: a statement cut in half would leave the header inside its brackets.
    const tenMb = (piece: string) => piece.repeat(Math.floor((10 * MB) / piece.length));
    const header = "/** big */\nexport const revision = 'big1';\nexport const downRevision = null;\n";
    // [name, source, header reader's answer, directory scanner's answer]: the scanner skips a file
    // without `revision` and `upgrade` (a helper module), so soup is no error there.
    const cases: [string, () => string, string, string][] = [
      ['soup', () => tenMb(new Random(SEED + 3).chars("{}()[]'\"`$/\\*\n =;abc", 64 * 1024)), 'BadRevisionFile', 'ok'],
      ['statements then the header', () => tenMb('const a = { b: [1, `x${2}`, /re}/g] }; // {\n') + header, 'ok', 'ok'],
      ['a 10 MB id', () => `export const revision = '${'a'.repeat(10 * MB)}';\nexport const downRevision = null;\n`, 'BadRevisionFile', 'BadRevisionFile'],
      ['a 10 MB dependsOn of valid labels', () => header + `export const dependsOn = [${tenMb(`'${'l'.repeat(60)}', `)}'lbl'];\n`, 'ok', 'ok'],
      ['an unterminated string in the header', () => "export const revision = 'a" + tenMb('x\\\''), 'BadRevisionFile', 'BadRevisionFile'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'retort-fuzz-'));
    dirs.push(dir);
    // One test per file, so that the worker reports between them (a 10 MB case blocks its thread).
    it.each(cases)('%s', (name, make, expected, onDisk) => {
      // Flatten the concatenated string first: the cost measured is the scan, not V8's rope.
      const source = Buffer.from(make(), 'utf8').toString('utf8');
      const start = process.cpuUsage();
      const code = outcome(name, () => readRevisionHeader('/m/big.ts', source), BIG_MS);
      const scanMs = cpuMsSince(start);
      expect(code, name).toBe(expected);
      writeFileSync(join(dir, 'big.ts'), source);
      const disk = process.cpuUsage();
      expect(outcome(`${name} on disk`, () => scanVersionDirectoriesSync([dir]), BIG_MS), name).toBe(onDisk);
      console.log(`10 MB ${name}: ${scanMs.toFixed(0)} ms CPU in memory, ${cpuMsSince(disk).toFixed(0)} ms read from disk`);
    });
  });
});
