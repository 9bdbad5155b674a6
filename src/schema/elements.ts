/**
 * Small accessors over index elements and constraints, so that the code that only cares about
 * "which columns" (renames, drops, checks of declared names) need not know every shape: a bare
 * column name, a column or an expression with per-element options, or an exclusion constraint
 * whose elements are index elements.
 */
import type { ConstraintSpec, IndexElement, IndexElementOptions } from './model.js';

/** The column an element indexes, or undefined for an expression. */
export function elementColumn(element: IndexElement): string | undefined {
  if (typeof element === 'string') return element;
  return 'column' in element ? element.column : undefined;
}

/** The expression an element indexes, or undefined for a column. */
export function elementExpression(element: IndexElement): string | undefined {
  return typeof element !== 'string' && 'expression' in element ? element.expression : undefined;
}

/** The per-element options of `element` (empty for a bare name). */
export function elementOptions(element: IndexElement): IndexElementOptions {
  if (typeof element === 'string') return {};
  const { column: _c, expression: _e, ...options } = element as { column?: string; expression?: string } & IndexElementOptions;
  return options;
}

/**
 * The element in its plainest form: a bare column name when it is a column without options,
 * so that `{ column: 'a' }` and `'a'` are one element.
 */
export function plainElement(element: IndexElement): IndexElement {
  if (typeof element === 'string') return element;
  const column = elementColumn(element);
  const options = Object.entries(elementOptions(element)).filter(([, v]) => v !== undefined);
  return column !== undefined && options.length === 0 ? column : element;
}

/** `element` with its column renamed by `rename` (expressions are left as written). */
export function renameElement(element: IndexElement, rename: (column: string) => string): IndexElement {
  if (typeof element === 'string') return rename(element);
  return 'column' in element ? { ...element, column: rename(element.column) } : element;
}

/** The columns a constraint names (an exclusion's column elements; none for a check). */
export function constraintColumns(constraint: ConstraintSpec): readonly string[] {
  switch (constraint.kind) {
    case 'check':
      return [];
    case 'exclude':
      return constraint.elements.map((e) => elementColumn(e.element)).filter((c): c is string => c !== undefined);
    default:
      return constraint.columns;
  }
}

/** `constraint` with every column it names renamed by `rename`. */
export function renameConstraintColumns(constraint: ConstraintSpec, rename: (column: string) => string): ConstraintSpec {
  switch (constraint.kind) {
    case 'check':
      return constraint;
    case 'exclude':
      return { ...constraint, elements: constraint.elements.map((e) => ({ ...e, element: renameElement(e.element, rename) })) };
    default:
      return { ...constraint, columns: constraint.columns.map(rename) };
  }
}
