/**
 * How lint names an operation and its table, in findings and in the rules' messages.
 */
import type { Operation } from '../ops/operations.js';

/** The table an operation changes, when it changes one. */
export function tableOf(op: Operation): string | undefined {
  return 'table' in op && typeof op.table === 'string' ? op.table : undefined;
}

/** `createIndex ix_books_title ON books`, `addColumn books.isbn`, `execute`. */
export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'createIndex': return `createIndex ${op.name} ON ${op.table}`;
    case 'dropIndex': return `dropIndex ${op.name}`;
    case 'addColumn': return `addColumn ${op.table}.${op.column.name}`;
    case 'dropColumn':
    case 'alterColumn': return `${op.kind} ${op.table}.${op.column}`;
    case 'addConstraint': return `create${op.constraint.kind.charAt(0).toUpperCase()}${op.constraint.kind.slice(1)} ${op.constraint.name} ON ${op.table}`;
    case 'dropConstraint': return `dropConstraint ${op.name} ON ${op.table}`;
    case 'renameTable': return `renameTable ${op.table} -> ${op.newName}`;
    case 'createEnum':
    case 'dropEnum':
    case 'addEnumValue': return `${op.kind} ${op.name}`;
    case 'createObject': return `create ${op.object.kind} ${op.object.name}`;
    case 'alterObject': return `alter ${op.to.kind} ${op.to.name}`;
    case 'dropObject': return `drop ${op.object.kind} ${op.object.name}`;
    case 'execute': return `execute ${oneLine(op.sql)}`;
    default: {
      const table = tableOf(op);
      return table === undefined ? op.kind : `${op.kind} ${table}`;
    }
  }
}

function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
