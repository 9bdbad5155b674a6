/**
 * Progress of a fleet run on stderr. On a terminal: one line redrawn in place, "fleet: 37/200
 * done, 1 failed, 4 running", at most ten times a second (redrawing on every event would cost more
 * than the migrations of a fast fleet). Elsewhere (CI logs, pipes): a plain line when each target
 * starts and finishes, which a log keeps readable.
 */
import type { FleetCounts, FleetEvent, FleetTargetResult } from '../api/fleet.js';
import type { Output } from './output.js';

/** The shortest time between two redraws of the terminal line. */
const REDRAW_MS = 100;

/** What the fleet command needs of a progress display. */
export interface FleetProgress {
  /** A fleet event (a target started or finished). */
  onEvent(event: FleetEvent): void;
  /** Print a line (a step of a target) without garbling the status line. */
  line(print: () => void): void;
  /** The run is over: draw the final state (`final`) and leave the line. */
  finish(final: FleetCounts): void;
}

/** `fleet: 37/200 done, 1 failed, 4 running` (and skipped, when there are some). */
export function statusLine(counts: FleetCounts): string {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `fleet: ${counts.done}/${counts.total} done, ${counts.failed} failed, ${counts.running} running${skipped}`;
}

/** One line about a finished target: `ok <base> -> 1a2b (20 steps, 812 ms)` or the error. */
export function targetLine(result: FleetTargetResult): string {
  if (result.status === 'skipped') return 'skipped (not started: --fail-fast or interrupted)';
  const ms = `${Math.round(result.durationMs)} ms`;
  if (result.status === 'failed') {
    const message = (result.error?.message ?? 'failed').split('\n')[0];
    return `FAILED [${result.error?.code ?? 'InternalError'}] ${message} (${ms})`;
  }
  const at = (heads: readonly string[]) => (heads.length === 0 ? '<base>' : heads.join(', '));
  if (result.steps.length === 0) return `ok at ${at(result.current)} (${ms})`;
  return `ok ${at(result.from)} -> ${at(result.current)} (${result.steps.length} step${result.steps.length === 1 ? '' : 's'}, ${ms})`;
}

/** The display for this run: the terminal line, plain lines, or nothing (`-q`). */
export function fleetProgress(output: Output, stderr: NodeJS.WriteStream = process.stderr): FleetProgress {
  if (output.options.quiet) return { onEvent: () => undefined, line: () => undefined, finish: () => undefined };
  if (stderr.isTTY === true && !output.options.json) return terminalProgress(stderr);
  return {
    onEvent(event) {
      if (event.type === 'start') output.progress(`[${event.target}] started`);
      else output.progress(`[${event.result.target}] ${targetLine(event.result)}`);
    },
    line: (print) => print(),
    finish: () => undefined,
  };
}

function terminalProgress(stderr: NodeJS.WriteStream): FleetProgress {
  let counts: FleetCounts | undefined;
  let shown = false;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    if (counts === undefined) return;
    last = Date.now();
    // \r and "erase line": the status always occupies the last line, alone.
    stderr.write(`\r\x1b[K${statusLine(counts)}`);
    shown = true;
  };
  const schedule = () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, REDRAW_MS - (Date.now() - last));
    timer = setTimeout(draw, wait);
    // A pending redraw must not keep the process alive after the run.
    timer.unref();
  };
  const clear = () => {
    if (shown) stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    onEvent(event) {
      counts = event.counts;
      schedule();
    },
    line(print) {
      clear();
      print();
      schedule();
    },
    finish(final) {
      if (timer !== undefined) clearTimeout(timer);
      counts = final;
      draw();
      if (shown) stderr.write('\n');
      shown = false;
    },
  };
}
