/**
 * Everything the CLI prints goes through here: results on stdout (text, or JSON with `--json` and
 * nothing else there), progress on stderr (silenced by `-q`), errors formatted once with their
 * exit code. Passwords are masked where they are known, in the library (`util/redact.ts`, by the
 * URL's structure), so nothing that reaches this printer carries one.
 */
import { EXIT_CODES, isRetortError } from '../errors.js';
import { redactUrlsIn } from '../util/redact.js';

/** Output settings from the global options. */
export interface OutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/**
 * Whether to colour what goes to `stream`: on a terminal, unless `NO_COLOR` is set to anything
 * (https://no-color.org); `FORCE_COLOR` (not `0`) forces it, for pagers and tests.
 */
export function colourFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return (stream as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

const PAINT = { red: '\u001b[1;31m', yellow: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;

/** The CLI's printer. Only stderr's labels are coloured: stdout is for results that scripts read. */
export class Output {
  private readonly colour: boolean;

  constructor(
    readonly options: OutputOptions,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {
    this.colour = !options.json && colourFor(stderr);
  }

  private paint(text: string, colour: keyof typeof PAINT): string {
    return this.colour ? `${PAINT[colour]}${text}${PAINT.reset}` : text;
  }

  /** Print a command's result: `json` with `--json`, else the lines of `text()`. */
  result(json: unknown, text: () => string | readonly string[]): void {
    if (this.options.json) {
      this.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    const body = text();
    const lines = typeof body === 'string' ? body : body.join('\n');
    if (lines.length > 0) this.stdout.write(`${lines}\n`);
  }

  /** A progress line on stderr ("Running upgrade a -> b, message"); hidden by `-q`. */
  progress(line: string): void {
    if (!this.options.quiet) this.stderr.write(`${line}\n`);
  }

  /** A warning on stderr; shown even with `-q`. */
  warn(line: string): void {
    this.stderr.write(`${this.paint('WARNING:', 'yellow')} ${line}\n`);
  }

  /** Print an error and return the exit code of the contract. */
  error(error: unknown): number {
    if (isRetortError(error)) {
      if (this.options.json) {
        this.stdout.write(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
      } else {
        this.stderr.write(`${this.paint(`ERROR [${error.code}]`, 'red')} ${error.message}\n`);
        if (error.hint) this.stderr.write(`${this.paint(`  ${error.hint}`, 'dim')}\n`);
        if (this.options.verbose && error.cause instanceof Error && error.cause.stack) {
          // The driver's own text: a failed statement it quotes may hold a URL with a password.
          this.stderr.write(`${redactUrlsIn(error.cause.stack)}\n`);
        }
      }
      return error.exitCode;
    }
    // Not a RetortError: a bug or an unexpected driver failure. Still no password, still exit 1.
    const message = redactUrlsIn(error instanceof Error ? (this.options.verbose ? (error.stack ?? error.message) : error.message) : String(error));
    if (this.options.json) {
      this.stdout.write(`${JSON.stringify({ error: { code: 'InternalError', message } }, null, 2)}\n`);
    } else {
      this.stderr.write(`${this.paint('ERROR', 'red')} ${message}\n`);
    }
    return EXIT_CODES.migration;
  }
}
