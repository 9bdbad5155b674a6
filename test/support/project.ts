/**
 * Temporary retort projects for tests: a config and revision files written to a fresh folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRetort, type Retort, type RunEvent } from '../../src/index.js';

/** One revision file to write. */
export interface RevisionSpec {
  readonly id: string;
  readonly down?: string | readonly string[] | null;
  readonly message?: string;
  readonly branchLabels?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** Body of `upgrade({ op, db, x, tag })`. */
  readonly upgrade?: string;
  /** Body of `downgrade({ op, db })`. */
  readonly downgrade?: string;
  /** Extra names to import from 'retort-migrate'. */
  readonly imports?: readonly string[];
  /** Other module-level lines after the imports (e.g. `import { existsSync } from 'node:fs';`). */
  readonly preamble?: string;
  /** Sub-folder of the project (for several version directories). */
  readonly dir?: string;
}

/** A temporary project. */
export interface TestProject {
  readonly dir: string;
  /** A retort bound to the project; `events` collects what it reports. */
  readonly retort: Retort;
  readonly events: RunEvent[];
  /** Write (or overwrite) a revision file; returns its path. */
  write(spec: RevisionSpec): string;
  cleanup(): void;
}

function literal(value: string | readonly string[] | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? `'${value}'` : `[${value.map((v) => `'${v}'`).join(', ')}]`;
}

/** The text of a revision file as users write it. */
export function revisionSource(spec: RevisionSpec): string {
  const imports = (spec.imports && spec.imports.length > 0 ? `import { ${spec.imports.join(', ')} } from 'retort-migrate';\n` : '') + (spec.preamble ? `${spec.preamble}\n` : '');
  return `/** ${spec.message ?? `revision ${spec.id}`} */
import type { MigrationContext } from 'retort-migrate';
${imports}
export const revision = '${spec.id}';
export const downRevision: string | string[] | null = ${literal(spec.down)};
export const branchLabels: string[] = ${literal(spec.branchLabels ?? [])};
export const dependsOn: string[] = ${literal(spec.dependsOn ?? [])};

export async function upgrade({ op, db, x, tag }: MigrationContext) {
${spec.upgrade ?? ''}
}

export async function downgrade({ op, db }: MigrationContext) {
${spec.downgrade ?? ''}
}
`;
}

/** Create a project at a fresh temporary folder with `config` as retort.config.json. */
export function createTestProject(config: Record<string, unknown>, revisions: readonly RevisionSpec[] = []): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'retort-project-'));
  writeFileSync(join(dir, 'retort.config.json'), JSON.stringify({ migrations: './migrations', ...config }, null, 2));
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  const events: RunEvent[] = [];
  const write = (spec: RevisionSpec) => {
    const folder = join(dir, spec.dir ?? 'migrations');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, `${spec.id}_${(spec.message ?? 'rev').replace(/\W+/g, '_')}.ts`);
    writeFileSync(path, revisionSource(spec));
    return path;
  };
  for (const spec of revisions) write(spec);
  return {
    dir,
    retort: createRetort({ cwd: dir, onEvent: (e) => events.push(e) }),
    events,
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
