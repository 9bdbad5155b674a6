/**
 * Fuzzes target resolution (src/script/graph: resolve.ts, targets.ts and the range parser) with
 * every form of the contract (head, heads, base, ids, prefixes, LABEL@head, REV@head, +N, -N,
 * REV+N, REV-N, LABEL@+N, START:END) built from random graphs, mixed with hostile text (huge
 * numbers, unicode, NUL, path separators, very long input). Every case must end in a result or a
 * RetortError of kind 'input' (exit 2), quickly; a plan that succeeds must be one the version
 * table's head maintainer accepts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TARGET_LENGTH, RevisionGraph, type MigrationStep } from '../../src/script/graph/index.js';
import { applyAll, describeGraph, randomGraph, type Fixture } from './graphs.js';
import { HOSTILE_PIECES, outcome, Random, SEED } from './random.js';

/** Per-case time limit: generous for a shared, noisy machine; a hang or a blow-up is far above. */
const CASE_MS = 250;

/** A count as users type it, and as attackers do. */
function count(random: Random): string {
  return random.pick(['1', '2', '3', '0', '10', String(random.int(50)), '99999999999999999999', '1e309', '00', '1_0', '٣', '']);
}

/** One target in one of the contract's forms, from the graph's own ids and labels. */
function target(random: Random, f: Fixture): string {
  const id = () => random.pick(f.ids);
  const prefix = () => { const i = id(); return i.slice(0, 1 + random.int(i.length)); };
  const label = () => (f.labels.length > 0 && random.chance(0.8) ? random.pick(f.labels) : `nolabel${random.int(3)}`);
  const absolute = () => random.pick([id, prefix, label, () => 'head', () => 'heads', () => 'base', () => 'current'])();
  const forms: (() => string)[] = [
    absolute,
    () => `${label()}@head`, () => `${label()}@heads`, () => `${label()}@base`, () => `${id()}@head`, () => `${label()}@${id()}`,
    () => `+${count(random)}`, () => `-${count(random)}`,
    () => `${prefix()}+${count(random)}`, () => `${prefix()}-${count(random)}`,
    () => `${label()}@+${count(random)}`, () => `${label()}@-${count(random)}`, () => `${label()}@${id()}+${count(random)}`,
    () => `${random.chance(0.3) ? '' : absolute()}:${random.chance(0.3) ? '' : absolute()}`,
    () => `${id()}@${label()}@head`,
  ];
  let text = random.pick(forms)();
  // Half the cases get hostile text spliced in, at random places.
  for (let n = random.chance(0.5) ? 1 + random.int(3) : 0; n > 0; n--) {
    const at = random.int(text.length + 1);
    text = text.slice(0, at) + random.pick(HOSTILE_PIECES) + text.slice(at);
  }
  if (random.chance(0.02)) text = text.repeat(1 + random.int(600));
  return text;
}

function checkSteps(f: Fixture, current: readonly string[], steps: readonly MigrationStep[], what: string): void {
  for (const step of steps) expect(f.ids, what).toContain(step.revision);
  expect(new Set(steps.map((s) => s.revision)).size, `${what}: a revision twice`).toBe(steps.length);
  // The head maintainer must accept every plan the planner makes.
  const heads = applyAll(f.graph, current, steps);
  for (const head of heads) expect(f.ids, what).toContain(head);
}

describe(`target resolution fuzz (seed ${SEED})`, () => {
  it('every target form, plain and hostile: a result or an input error, fast', () => {
    const random = new Random(SEED);
    const seen = new Map<string, number>();
    let cases = 0;
    for (let g = 0; g < 25; g++) {
      const f = randomGraph(random);
      try {
      for (let t = 0; t < 80; t++, cases++) {
        const spec = target(random, f);
        const current = random.pick(f.states);
        const what = `case ${cases}: ${JSON.stringify(spec.slice(0, 200))} from [${current.join(', ')}]`;
        const tally = (code: string) => seen.set(code, (seen.get(code) ?? 0) + 1);
        tally(outcome(`${what} resolve`, () => expect(f.ids).toContain(f.graph.resolve(spec).revision), CASE_MS));
        tally(outcome(`${what} resolveAll`, () => f.graph.resolveAll(spec), CASE_MS));
        tally(outcome(`${what} upgrade`, () => checkSteps(f, current, f.graph.planUpgrade(current, spec), `${what} upgrade`), CASE_MS));
        tally(outcome(`${what} downgrade`, () => checkSteps(f, current, f.graph.planDowngrade(current, spec), `${what} downgrade`), CASE_MS));
        tally(outcome(`${what} offline up`, () => f.graph.planOffline('up', spec), CASE_MS));
        tally(outcome(`${what} offline down`, () => f.graph.planOffline('down', spec), CASE_MS));
        tally(outcome(`${what} history`, () => f.graph.history(spec, current), CASE_MS));
        tally(outcome(`${what} stamp`, () => f.graph.planStamp(current, [spec]), CASE_MS));
        tally(outcome(`${what} lineage`, () => f.graph.filterForLineage(f.ids.slice(-3), spec), CASE_MS));
      }
      } catch (error) {
        // Name the graph too, so that a failure can be replayed as a unit test.
        (error as Error).message += `\ngraph: ${describeGraph(f)}`;
        throw error;
      }
    }
    expect(cases).toBe(2000);
    // The fuzzer reaches both successes and the interesting failures, or it tests little.
    for (const code of ['ok', 'UnknownRevision', 'AmbiguousRevision', 'MultipleHeads', 'RelativeOutOfRange', 'BadTarget', 'RangeNotAllowed']) {
      expect(seen.get(code) ?? 0, `outcome ${code} never reached: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  });

  it('huge and malformed counts plan nothing: an input error, never a partial walk', () => {
    const ids = Array.from({ length: 6 }, (_v, i) => `r${i}xx`);
    const graph = RevisionGraph.build(ids.map((id, i) => ({
      revision: id, downRevisions: i === 0 ? [] : [ids[i - 1]!], dependsOn: [], branchLabels: i === 0 ? ['main'] : [], message: id, path: `/m/${id}.ts`,
    })));
    const current = [ids[3]!];
    for (const n of ['99999999999999999999', '1e309', '1e3', '9'.repeat(400), '0x10', 'Infinity', '1_000', '1.5', '1abc', '１', '']) {
      for (const spec of [`+${n}`, `-${n}`, `r1xx+${n}`, `r4xx-${n}`, `main@+${n}`, `main@-${n}`]) {
        // `+1e309` used to walk one step (the `+1` prefix), like Alembic's `re.match`: a typo ran a migration.
        const up = outcome(`upgrade ${spec}`, () => graph.planUpgrade(current, spec), CASE_MS);
        const down = outcome(`downgrade ${spec}`, () => graph.planDowngrade(current, spec), CASE_MS);
        expect([spec, up, down]).not.toContain('ok');
      }
    }
    expect(outcome('walk to base', () => graph.planDowngrade(current, '-4'), CASE_MS)).toBe('ok');
    expect(outcome('past base', () => graph.planDowngrade(current, '-5'), CASE_MS)).toBe('RelativeOutOfRange');
    expect(graph.planUpgrade(current, '+2').map((s) => s.revision)).toEqual(['r4xx', 'r5xx']);
  });

  it('a branch label with a dash and digits is a label, not a walk (v-2@head)', () => {
    const graph = RevisionGraph.build([
      { revision: 'aaaa', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/a.ts' },
      { revision: 'bbbb', downRevisions: ['aaaa'], dependsOn: [], branchLabels: ['v-2'], message: '', path: '/m/b.ts' },
      { revision: 'cccc', downRevisions: ['bbbb'], dependsOn: [], branchLabels: [], message: '', path: '/m/c.ts' },
    ]);
    expect(graph.planUpgrade([], 'v-2@head').map((s) => s.revision)).toEqual(['aaaa', 'bbbb', 'cccc']);
    expect(graph.planDowngrade(['cccc'], 'v-2@-1').map((s) => s.revision)).toEqual(['cccc']);
  });

  it('history X:heads where X is reached from above only through a dependency (found by the fuzzer)', () => {
    // aaaa -> bbbb; cccc depends on bbbb but descends from dddd. Alembic's topological sort
    // asserts here (nothing walks down into bbbb); retort used to throw a plain Error.
    const graph = RevisionGraph.build([
      { revision: 'aaaa', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/a.ts' },
      { revision: 'dddd', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/d.ts' },
      { revision: 'bbbb', downRevisions: ['aaaa'], dependsOn: [], branchLabels: [], message: '', path: '/m/b.ts' },
      { revision: 'cccc', downRevisions: ['dddd'], dependsOn: ['bbbb'], branchLabels: [], message: '', path: '/m/c.ts' },
    ]);
    // cccc depends on bbbb: it is above bbbb, so the range from bbbb up includes it (Alembic
    // follows parents only there and leaves it out).
    expect(graph.history('bbbb:heads').map((r) => r.revision)).toEqual(['cccc', 'bbbb']);
    expect(graph.history('aaaa:heads').map((r) => r.revision)).toEqual(['cccc', 'bbbb', 'aaaa']);
    expect(graph.history().map((r) => r.revision)).toEqual(['cccc', 'dddd', 'bbbb', 'aaaa']);
  });

  it('resolveAll of a relative spec that walks off the graph is an error, not nothing', () => {
    const graph = RevisionGraph.build([
      { revision: 'aaaa', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/a.ts' },
      { revision: 'bbbb', downRevisions: ['aaaa'], dependsOn: [], branchLabels: [], message: '', path: '/m/b.ts' },
    ]);
    expect(graph.resolveAll('-1').map((r) => r.revision)).toEqual(['aaaa']);
    expect(graph.resolveAll('-2')).toEqual([]); // base
    expect(outcome('show -3', () => graph.resolveAll('-3'), CASE_MS)).toBe('RelativeOutOfRange');
    expect(outcome('show -99999999999999999999', () => graph.resolveAll('-99999999999999999999'), CASE_MS)).toBe('RelativeOutOfRange');
    expect(graph.resolveAll('base')).toEqual([]);
  });

  it('stamp -N over two heads with a common ancestor stamps it once; overlapping stamps are refused', () => {
    // aaaa -> bbbb -> (cccc, dddd): `stamp -2` reaches aaaa from both heads.
    const graph = RevisionGraph.build([
      { revision: 'aaaa', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/a.ts' },
      { revision: 'bbbb', downRevisions: ['aaaa'], dependsOn: [], branchLabels: [], message: '', path: '/m/b.ts' },
      { revision: 'cccc', downRevisions: ['bbbb'], dependsOn: [], branchLabels: [], message: '', path: '/m/c.ts' },
      { revision: 'dddd', downRevisions: ['bbbb'], dependsOn: [], branchLabels: [], message: '', path: '/m/d.ts' },
    ]);
    expect(graph.planStamp([], ['-2']).heads).toEqual(['aaaa']);
    expect(outcome('stamp a and its descendant', () => graph.planStamp([], ['aaaa', 'cccc']), CASE_MS)).toBe('OverlappingTargets');
    expect(graph.planStamp([], ['cccc', 'dddd']).heads).toEqual(['cccc', 'dddd']);
  });

  it('a target as long as allowed resolves in linear time; longer is refused at once', () => {
    const graph = RevisionGraph.build([{ revision: 'abcd', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '/m/a.ts' }]);
    expect(outcome('max', () => graph.resolve('a'.repeat(MAX_TARGET_LENGTH)), CASE_MS)).toBe('UnknownRevision');
    expect(outcome('max+1', () => graph.resolve('a'.repeat(MAX_TARGET_LENGTH + 1)), CASE_MS)).toBe('BadTarget');
    expect(outcome('10 MB', () => graph.planUpgrade([], `+${'1'.repeat(10 * 1024 * 1024)}`), CASE_MS)).toBe('BadTarget');
    expect(outcome('10 MB range', () => graph.planOffline('up', ':'.repeat(10 * 1024 * 1024)), CASE_MS)).toBe('BadTarget');
  });
});
