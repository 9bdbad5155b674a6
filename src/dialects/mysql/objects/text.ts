/** SQL text of MySQL objects (view queries, trigger and routine bodies) in one spelling, for comparison. */
import { normalizeMysqlExpression } from '../autogen/equality.js';

/** SQL text in MySQL's one spelling (see normalizeMysqlExpression), without a trailing semicolon. */
export function mysqlTextKey(text: string | undefined): string | null {
  return text === undefined ? null : normalizeMysqlExpression(text.trim().replace(/;\s*$/, ''));
}
