/**
 * The column definition that MySQL's MODIFY / CHANGE COLUMN needs. Those statements replace the
 * WHOLE definition: whatever they do not repeat (type, NULL-ness, default, comment, UNSIGNED,
 * AUTO_INCREMENT) is lost. So the definition is the column as it is, overlaid with the changes;
 * "as it is" comes from the live catalog when online, else from the script's `existing` (Alembic's
 * `existing_type`, `existing_nullable`, ...).
 */
import { RetortError } from '../../errors.js';
import type { AlterColumnOp } from '../../ops/operations.js';
import { columnSpec } from '../../schema/model.js';
import type { ColumnSpec } from '../../schema/model.js';
import type { CompileContext } from '../dialect.js';

/** True when `changes` needs the column's whole definition (anything but a default or a rename alone). */
export function needsFullDefinition(op: AlterColumnOp): boolean {
  const { changes } = op;
  return (
    changes.type !== undefined ||
    changes.nullable !== undefined ||
    changes.comment !== undefined ||
    changes.autoIncrement !== undefined ||
    changes.unsigned !== undefined ||
    changes.charset !== undefined ||
    changes.collation !== undefined ||
    changes.onUpdate !== undefined ||
    changes.generated !== undefined
  );
}

/** The column as it is now: the live catalog when online, else the script's `existing`. */
async function currentColumn(op: AlterColumnOp, ctx: CompileContext): Promise<Partial<ColumnSpec>> {
  if (ctx.readTable !== undefined) {
    const table = await ctx.readTable(op.table, op.schema);
    const live = table?.columns.find((c) => c.name === op.column);
    if (live !== undefined) return live.spec;
    if (op.existing?.type !== undefined) return op.existing;
    throw new RetortError('BadArgument', `Column '${op.column}' of table '${op.table}' does not exist, so it cannot be altered.`, {
      fields: { table: op.table, column: op.column },
      hint: 'Check the table and column names, or pass existingType/existingNullable when an earlier step of the same batch creates the column.',
    });
  }
  return op.existing ?? {};
}

/**
 * The column's definition after `op`: current state overlaid with the changes. Offline, the
 * script must say at least the type and the nullability (in `changes` or `existing`), or MODIFY
 * would silently change them; a default or comment it does not mention is taken as absent, as
 * Alembic does.
 *
 * @throws RetortError `OfflineUnsupported` offline when the type or nullability is unknown.
 */
export async function resolveAlteredColumn(op: AlterColumnOp, ctx: CompileContext): Promise<ColumnSpec> {
  const current = await currentColumn(op, ctx);
  const { changes } = op;
  const type = changes.type ?? current.type;
  const nullable = changes.nullable ?? current.nullable;
  if (type === undefined || nullable === undefined) {
    const missing = [type === undefined ? 'existingType' : undefined, nullable === undefined ? 'existingNullable' : undefined].filter(Boolean);
    throw new RetortError(
      'OfflineUnsupported',
      `MySQL rewrites the whole column '${op.table}.${op.column}' on MODIFY, and offline there is no database to read its current definition from.`,
      {
        fields: { table: op.table, column: op.column, missing },
        hint: `Pass ${missing.join(' and ')} (and existingDefault / existingComment if it has them) to alterColumn.`,
      },
    );
  }
  const merged: Partial<ColumnSpec> = {
    ...current,
    type,
    nullable,
    ...(changes.autoIncrement === undefined ? {} : { autoIncrement: changes.autoIncrement }),
    // A new type is a whole type: UNSIGNED stays only when the change says so (the op facade and
    // autogenerate set `unsigned` only for an unsigned type), else MODIFY would keep it forever.
    unsigned: changes.unsigned ?? (changes.type === undefined ? (current.unsigned ?? false) : false),
    // null removes the comment / default: undefined leaves it out of the definition.
    ...(changes.comment === undefined ? {} : { comment: changes.comment ?? undefined }),
    ...(changes.default === undefined ? {} : { default: changes.default ?? undefined }),
    ...(changes.charset === undefined ? {} : { charset: changes.charset ?? undefined }),
    ...(changes.collation === undefined ? {} : { collation: changes.collation ?? undefined }),
    ...(changes.onUpdate === undefined ? {} : { onUpdate: changes.onUpdate ?? undefined }),
    ...(changes.generated === undefined ? {} : { generated: changes.generated ?? undefined }),
  };
  // The key and uniqueness are indexes, which MODIFY keeps; they are never restated.
  return columnSpec(type, { ...merged, primaryKey: false, unique: false, references: undefined });
}
