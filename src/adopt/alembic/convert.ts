/**
 * `adopt --from alembic --alembic-scripts DIR`: an Alembic project's `versions/*.py` become
 * retort revision files with the same ids, parents, branch labels, dependencies, messages and
 * creation dates, so that `retort history` shows Alembic's graph and `alembic_version`'s rows
 * are revisions of it. The bodies are not translated (Python is not TypeScript): each function
 * calls {@link notPorted} and carries the original Python as a comment, to be ported by hand
 * when a database must run it again.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RetortError } from '../../errors.js';
import type { WriteRevisionOptions } from '../../script/writer.js';
import { readAlembicScript, type AlembicScript } from './script.js';

/**
 * The folder of the scripts: `DIR` itself, or `DIR/versions` when `DIR` is the Alembic project
 * (it holds `env.py` and a `versions` folder), as `alembic init` lays it out.
 */
export function versionsFolder(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new RetortError('BadArgument', `--alembic-scripts ${dir} is not a folder.`, {
      fields: { alembicScripts: path },
      hint: "Pass the Alembic project's versions folder (or the project folder holding env.py and versions/).",
    });
  }
  const versions = join(path, 'versions');
  return existsSync(join(path, 'env.py')) && existsSync(versions) ? versions : path;
}

/**
 * Reads every `*.py` script of `dir` (not `__init__.py`; Alembic's own rule skips editor
 * backups `.#x.py` too) and checks that they make a graph: ids unique, every parent present.
 * @throws RetortError `BadRevisionFile` naming the file and line, `DuplicateRevision` naming both
 *   files, `MissingParent` naming the file whose parent is absent; `BadArgument` for a folder
 *   without scripts.
 */
export function readAlembicScripts(dir: string): AlembicScript[] {
  const folder = versionsFolder(dir);
  const names = readdirSync(folder).filter((n) => n.endsWith('.py') && n !== '__init__.py' && !n.startsWith('.#')).sort();
  const scripts = names.map((n) => {
    const path = join(folder, n);
    return readAlembicScript(path, readFileSync(path, 'utf8'));
  });
  if (scripts.length === 0) {
    throw new RetortError('BadArgument', `There is no Alembic script (*.py) in ${folder}.`, {
      fields: { alembicScripts: folder },
      hint: "Pass the Alembic project's versions folder (the one `alembic revision` writes into).",
    });
  }
  const byId = new Map<string, AlembicScript>();
  for (const script of scripts) {
    const other = byId.get(script.revision);
    if (other !== undefined) {
      throw new RetortError('DuplicateRevision', `Revision ${script.revision} is declared by both ${other.path} and ${script.path}.`, {
        fields: { revision: script.revision, files: [other.path, script.path] },
        hint: 'Alembic refuses this graph too: remove or renumber one of them.',
      });
    }
    byId.set(script.revision, script);
  }
  for (const script of scripts) {
    const missing = script.downRevisions.find((p) => !byId.has(p));
    if (missing !== undefined) {
      const line = script.lines.down_revision;
      throw new RetortError('MissingParent', `Alembic script ${script.path}:${line}: down_revision ${missing} is not declared by any script in ${folder}.`, {
        fields: { path: script.path, file: script.path, line, revision: script.revision, parent: missing },
        hint: 'Every script of the graph must be in the folder (Alembic would refuse it too); with several version_locations, copy them into one folder first.',
      });
    }
  }
  return scripts;
}

/** The Python as `//` comment lines, indented as written. */
function commented(python: string): string {
  return python.replace(/\r\n?/g, '\n').split('\n').map((l) => (l.trim() === '' ? '//' : `// ${l}`)).join('\n');
}

/** The stub body of one direction: why it throws, the Python to port, the throwing call. */
function stubBody(script: AlembicScript, direction: 'upgrade' | 'downgrade'): string {
  const python = script[direction];
  if (python !== undefined && script.empty.has(direction)) {
    // Nothing to port (a merge's `pass`): the converted revision runs as Alembic's did.
    return ['// Converted from Alembic, whose function did nothing:', commented(python)].join('\n');
  }
  const lines = [
    `// TODO: port this ${direction} from Alembic. The database retort adopted had run it already, so only a`,
    `// database built from scratch (or taken below revision ${script.revision}) runs it, and until it is`,
    '// ported it stops there with UnportedRevision. The original Python:',
    '//',
    python === undefined ? `// (the script has no ${direction}() function)` : commented(python),
  ];
  if (direction === 'upgrade' && script.rest.trim() !== '') lines.push('//', '// The rest of the original module (imports, helpers):', commented(script.rest));
  lines.push(`notPorted(revision, '${direction}');`);
  return lines.join('\n');
}

/** The revision file each script becomes, in `dir`. */
export function convertedRevision(script: AlembicScript, dir: string): WriteRevisionOptions {
  return {
    dir,
    revision: script.revision,
    message: script.message,
    downRevisions: script.downRevisions,
    branchLabels: script.branchLabels,
    dependsOn: script.dependsOn,
    upgradeBody: stubBody(script, 'upgrade'),
    downgradeBody: stubBody(script, 'downgrade'),
    imports: script.empty.has('upgrade') && script.empty.has('downgrade') ? [] : ['notPorted'],
    ...(script.createDate === undefined ? {} : { createDate: script.createDate }),
  };
}
