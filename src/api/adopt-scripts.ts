/**
 * `adopt --from alembic --alembic-scripts DIR`: take over an Alembic database together with its
 * graph. The scripts become revision files (same ids, parents, labels, dependencies, messages,
 * dates; stub bodies with the Python in a comment) and retort's version table gets exactly the
 * rows of `alembic_version`, one to one. No baseline is written: the converted graph already says
 * how the database got where it is, and a second root creating the same tables would collide
 * with it on a database built from scratch.
 */
import { unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { convertedRevision, readAlembicScripts } from '../adopt/alembic/convert.js';
import { readToolState } from '../adopt/tool-state.js';
import type { ToolInfo } from '../adopt/tools.js';
import { RetortError } from '../errors.js';
import { createVersionTableOp, readHeads, versionChangeSql } from '../runtime/version-table.js';
import { revisionText, writeRevision } from '../script/writer.js';
import { readLive } from './autogenerate.js';
import { assertFreshTarget, assertNoRevisions, assertOwnVersionTable, versionTableOf, writeSchemaIfAbsent, type BaselineOptions, type BaselineResult } from './baseline.js';
import { compileContextFor, withDatabase } from './database.js';
import { stamp } from './migrate.js';
import type { RetortOptions } from './options.js';
import { projectFor, type Project } from './project.js';

/** Convert the scripts in `options.alembicScripts`, write them (unless `sql`) and stamp `alembic_version`'s rows. */
export async function adoptAlembicScripts(project: Project, options: BaselineOptions & { alembicScripts: string }, run: RetortOptions, tool: ToolInfo): Promise<BaselineResult> {
  if (tool.name !== 'alembic' || options.message !== undefined) {
    throw new RetortError('BadArgument', tool.name !== 'alembic' ? `--alembic-scripts converts Alembic scripts; it does not go with --from ${tool.name}.` : '-m does not go with --alembic-scripts: each revision keeps its script\'s message.', {
      fields: { from: tool.name, alembicScripts: options.alembicScripts },
      hint: tool.name !== 'alembic' ? 'Pass --from alembic, or leave --alembic-scripts out for a baseline.' : 'Leave -m out.',
    });
  }
  assertOwnVersionTable(project, tool);
  await assertNoRevisions(project);
  // Read before connecting: a script retort cannot read is reported without touching the database.
  const scripts = readAlembicScripts(resolve(project.config.root, options.alembicScripts));
  const table = versionTableOf(project);
  const read = await withDatabase(project.target, async ({ dialect, session }) => {
    const toolState = await readToolState(dialect, session, tool, project.target.dbSchema);
    assertFreshTarget(await readHeads(dialect, session, table), table);
    const { live, defaults } = await readLive(project, dialect, session);
    return { dialect, toolState, live, defaults, primaryKeyName: dialect.autogen?.defaultPrimaryKeyName };
  });
  const { dialect, toolState, live } = read;
  const rows = toolState.latest;
  const unknown = rows.find((row) => !scripts.some((s) => s.revision === row));
  if (unknown !== undefined) {
    throw new RetortError('UnknownRevision', `${toolState.table} holds ${unknown}, which no script in ${options.alembicScripts} declares: the scripts are not the ones this database was migrated with.`, {
      fields: { revision: unknown, table: toolState.table, alembicScripts: options.alembicScripts },
      hint: 'Point --alembic-scripts at the versions folder of the Alembic project that manages this database (at the same commit).',
    });
  }
  const dir = project.target.migrations[0] ?? resolve(project.config.root, 'migrations');
  const planned = scripts.map((s) => convertedRevision(s, dir));
  const texts = planned.map(revisionText);
  // The database's rows stand for themselves: a database Alembic left at base gets an empty table.
  const stamped = [...rows];
  const first = texts[Math.max(0, scripts.findIndex((s) => s.revision === stamped[0]))] as { path: string; text: string };
  const common = {
    target: project.target.name, revision: stamped[0] ?? 'base', from: tool.name, stamped,
    tables: live.tables.map((t) => t.name), warnings: [], unmodelled: live.unmodelled ?? [], tool: toolState,
    revisions: scripts.map((s, i) => ({ revision: s.revision, file: texts[i]?.path ?? '', source: s.path })),
  };
  if (options.sql) {
    const ddl = await dialect.compiler.compile(createVersionTableOp(table), compileContextFor(project.target, dialect));
    const statements = [...ddl, ...stamped.map((version) => versionChangeSql(dialect, table, { kind: 'insert', version }))];
    return {
      ...common, file: first.path, written: false, sql: statements.map((s) => `${s};`).join('\n'),
      script: texts.map((t) => `-- ${t.path}\n${t.text}`).join('\n\n'),
    };
  }
  const written: string[] = [];
  try {
    for (const options of planned) written.push(writeRevision(options));
    // A fresh project: the cached graph was read before the files existed. Its checks (cycles,
    // labels, dependencies) run here, before anything is stamped.
    await stamp(projectFor(project.config, project.target), stamped.length === 0 ? ['base'] : stamped, options.lockTimeout === undefined ? {} : { lockTimeout: options.lockTimeout }, run);
  } catch (error) {
    // Not stamped: take the files back, so running the command again starts from the same place.
    for (const file of written) unlinkSync(file);
    throw error;
  }
  const schemaModule = await writeSchemaIfAbsent(project, read);
  return { ...common, file: first.path, written: true, ...(schemaModule === undefined ? {} : { schemaModule }) };
}
