/**
 * `retort graph`: the revision graph as Mermaid or Graphviz DOT text, from the revisions the
 * library describes. Edges point from parent to child (the direction `upgrade` runs); a
 * dependency (`dependsOn`) is a dashed edge.
 */
import type { RevisionInfo } from '../api/results.js';

/** The text formats of `retort graph`. */
export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;
/** One of {@link GRAPH_FORMATS}. */
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

function label(r: RevisionInfo): string {
  const marks = [...(r.isHead ? ['head'] : []), ...r.branchLabels.map((l) => `@${l}`)];
  return `${r.revision}${marks.length === 0 ? '' : ` (${marks.join(', ')})`}${r.message === '' ? '' : `\n${r.message}`}`;
}

interface Edge { readonly from: string; readonly to: string; readonly dependency: boolean }

/** Parent → child edges, then dependency edges, oldest first. A dependency on a branch label points at the labelled revision. */
function edges(revisions: readonly RevisionInfo[]): Edge[] {
  const byLabel = new Map(revisions.flatMap((r) => r.branchLabels.map((l) => [l, r.revision] as const)));
  return revisions.flatMap((r) => [
    ...r.downRevisions.map((p) => ({ from: p, to: r.revision, dependency: false })),
    ...r.dependsOn.map((d) => ({ from: byLabel.get(d) ?? d, to: r.revision, dependency: true })),
  ]);
}

/** Mermaid's flowchart: node ids are positions (revision ids may hold characters Mermaid reads as syntax). */
function mermaid(revisions: readonly RevisionInfo[]): string {
  const ids = new Map(revisions.map((r, i) => [r.revision, `r${i}`]));
  const text = (s: string) => s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');
  const lines = ['flowchart TD'];
  for (const r of revisions) lines.push(`  ${ids.get(r.revision)}["${text(label(r))}"]`);
  for (const e of edges(revisions)) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from !== undefined && to !== undefined) lines.push(`  ${from} ${e.dependency ? '-.->' : '-->'} ${to}`);
  }
  return lines.join('\n');
}

/** Graphviz DOT: node ids are the revision ids, quoted. */
function dot(revisions: readonly RevisionInfo[]): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const lines = ['digraph revisions {', '  node [shape=box];'];
  for (const r of revisions) lines.push(`  ${quote(r.revision)} [label=${quote(label(r))}];`);
  for (const e of edges(revisions)) lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${e.dependency ? ' [style=dashed]' : ''};`);
  lines.push('}');
  return lines.join('\n');
}

/** The graph of `revisions` (any order) as `format` text, oldest revision first. */
export function graphText(revisions: readonly RevisionInfo[], format: GraphFormat): string {
  const ordered = [...revisions].reverse(); // history is newest first
  return format === 'dot' ? dot(ordered) : mermaid(ordered);
}
