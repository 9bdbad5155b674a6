/**
 * The shared SQL compiler that the SQLite, PostgreSQL and MySQL dialects extend.
 *
 * How to write a dialect's compiler: `class MyCompiler extends SqlCompiler`, then override
 * - naming: `quoteIdentifier`, `quoteString`, `resolveSchema` (return undefined without schemas);
 * - types: `renderType(type, spec)`, `renderEnumCheck` (undefined when enums are real types);
 * - column definitions: `renderAutoIncrement`, `renderInlinePrimaryKey`, `renderDefault`,
 *   `renderInlineColumnComment`, `renderColumnDefinition` as a last resort;
 * - constraints: `renderConstraint`, `renderReferences`, `tableConstraints`, `inlineKeyColumn`;
 * - comments: `columnCommentStatements`, `tableCommentStatements`, `renderTableOptions`,
 *   `tableCommentIsInline`;
 * - alter column: `compileAlterColumn` whole, or `alterColumnType`, `alterColumnNullable`,
 *   `alterColumnDefault`, `alterColumnAutoIncrement`, `renameColumn`;
 * - indexes: `renderIndexElement`, `concurrentlyKeyword`, `compileDropIndex`;
 * - literals (defaults, bulkInsert): `renderLiteral`, `renderNumber`, `renderBoolean`,
 *   `renderDate`, `renderBytes`, `insertDefaultValues`;
 * - any `compileXxx(op, ctx)` method for an operation the dialect spells its own way.
 */
export { SqlCompiler, BULK_INSERT_CHUNK } from './compiler.js';
export type { Statements } from './compiler.js';
export { SqlRenderer } from './renderer.js';
export type { ColumnDefinitionOptions, TableRef } from './renderer.js';
