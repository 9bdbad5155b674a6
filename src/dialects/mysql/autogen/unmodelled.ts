/**
 * What a MySQL / MariaDB database holds that the neutral model cannot describe (events, MariaDB
 * sequences, packages, aggregate functions and routines created under `sql_mode=ORACLE`; views,
 * triggers, functions and procedures are modelled, see ../objects/): listed with the model by `readSchema`, so that
 * `pull`, autogenerate and `check` say what they leave out. One query whatever their number.
 * When a kind becomes part of the model, its `SELECT` leaves this list.
 */
import type { UnmodelledObject } from '../../../schema/model.js';
import type { ReadSchemaOptions, Session } from '../../dialect.js';
import { MODELLED_ROUTINE } from '../objects/routines.js';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The unmodelled objects of the databases `schemas`; a trigger of a table `include` leaves out is left out with it. */
export async function readMysqlUnmodelled(
  session: Session,
  schemas: readonly string[],
  include: ReadSchemaOptions['include'],
  home: string | undefined,
): Promise<UnmodelledObject[]> {
  const m = marks(schemas.length);
  const rows = await session.query<{ kind: string; s: string; name: string; tbl: string | null }>(
    `SELECT 'sequence' AS kind, TABLE_SCHEMA AS s, TABLE_NAME AS name, NULL AS tbl FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (${m}) AND TABLE_TYPE = 'SEQUENCE'
     UNION ALL
     SELECT LOWER(ROUTINE_TYPE), ROUTINE_SCHEMA, ROUTINE_NAME, NULL FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (${m}) AND NOT ${MODELLED_ROUTINE}
     UNION ALL
     SELECT 'event', EVENT_SCHEMA, EVENT_NAME, NULL FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (${m})`,
    [...schemas, ...schemas, ...schemas],
  );
  const modelSchema = (s: string) => (s === home ? undefined : s);
  return rows
    .filter((r) => r.tbl === null || include === undefined || include(r.tbl, modelSchema(r.s)))
    .sort((a, b) => (`${a.kind}\u0000${a.s}\u0000${a.tbl ?? ''}\u0000${a.name}` < `${b.kind}\u0000${b.s}\u0000${b.tbl ?? ''}\u0000${b.name}` ? -1 : 1))
    .map((r) => Object.freeze({ kind: r.kind, schema: r.s, name: r.name, ...(r.tbl === null ? {} : { table: r.tbl }) }));
}
