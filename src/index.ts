/**
 * retort-migrate: the library. Revision scripts import column builders and types from here; apps
 * and tests call {@link createRetort}; config files use {@link defineConfig}; schema modules use
 * {@link defineSchema} and {@link table}.
 */
export { createRetort, type Retort } from './api/retort.js';
export type { RetortOptions, RunEvent } from './api/options.js';
export type { FleetCounts, FleetError, FleetEvent, FleetOptions, FleetResult, FleetTargetResult } from './api/fleet.js';
export type { FleetMethods } from './api/fleet-api.js';
export type { CurrentResult, RevisionFileResult, RevisionInfo, RunResult } from './api/results.js';
export type { LintOptions, LintResult } from './api/lint.js';
export type { LintFinding, LintRule, Severity } from './lint/types.js';
export type { MigrateOptions, StampOptions } from './api/migrate.js';
export type { MergeOptions, RevisionOptions } from './api/authoring.js';
export type { StairwayFailure, StairwayOptions, StairwayResult } from './api/stairway.js';
export type { AutogenerateResult, CheckResult, CompareOptions, Comparison, PullResult } from './api/autogenerate.js';
export type { BaselineOptions, BaselineResult } from './api/baseline.js';
export type { ToolState } from './adopt/tool-state.js';
export type { StepResult, TransactionMode } from './runtime/steps.js';
export type { MigrationContext, RevisionModule } from './runtime/context.js';

export { defineConfig, type RetortConfig, type TargetConfig, type NamedTargetConfig, type TargetsContext } from './config/define.js';

export { notPorted } from './adopt/not-ported.js';
export { RetortError, ERROR_CODES, EXIT_CODES, isRetortError, type ErrorCode, type ErrorKind } from './errors.js';

export {
  ColumnBuilder,
  bigint,
  bigserial,
  boolean,
  bytes,
  char,
  date,
  datetime,
  double,
  enumOf,
  integer,
  json,
  jsonb,
  longtext,
  mediumint,
  mediumtext,
  numeric,
  rawType,
  real,
  serial,
  set,
  smallint,
  smallserial,
  sql,
  text,
  time,
  timestamp,
  timestamptz,
  tinyint,
  uuid,
  varchar,
  year,
  type AnyColumn,
  type RawSql,
  type ReferenceOptions,
  type SerialOptions,
  type SequenceSettingOptions,
} from './schema/columns.js';
export { defineSchema, type SchemaDefinition, type KyselyDatabase } from './schema/define.js';
export { partition, table, type TableDefinition } from './schema/table.js';
export { check, element, exclude, foreignKey, index, primaryKey, unique } from './schema/extras.js';
export {
  compositeType,
  domain,
  extension,
  fn,
  materializedView,
  policy,
  procedure,
  sequence,
  trigger,
  view,
  type FunctionOptions,
  type PolicyOptions,
  type SequenceOptions,
  type SqlText,
  type TriggerOptions,
  type ViewOptions,
} from './schema/object-builders.js';
export type * from './schema/model.js';
export type * from './schema/objects.js';

export type { Op, BatchOp, AlterColumnOptions, CreateIndexOptions, CreateTableOptions, DropObjectOptions } from './ops/facade.js';
export type { OpCall, Acknowledgement } from './ops/ack.js';
export type { Operation } from './ops/operations.js';
