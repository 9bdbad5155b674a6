/**
 * Everything the CLI prints goes through here: results on stdout (text, or JSON with `--json` and
 * nothing else there), progress on stderr (silenced by `-q`), errors formatted once with their
 * exit code. Every line passes through the password redactor first.
 */
import { EXIT_CODES, isRetortError } from '../errors.js';
import { redactSecrets } from '../util/redact.js';

/** Output settings from the global options. */
export interface OutputOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** The CLI's printer. */
export class Output {
  private readonly secrets = new Set<string>();

  constructor(
    readonly options: OutputOptions,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Register a secret (a password from a URL) to mask in everything printed. */
  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  private clean(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Print a command's result: `json` with `--json`, else the lines of `text()`. */
  result(json: unknown, text: () => string | readonly string[]): void {
    if (this.options.json) {
      this.stdout.write(`${this.clean(JSON.stringify(json, null, 2))}\n`);
      return;
    }
    const body = text();
    const lines = typeof body === 'string' ? body : body.join('\n');
    if (lines.length > 0) this.stdout.write(`${this.clean(lines)}\n`);
  }

  /** A progress line on stderr ("Running upgrade a -> b, message"); hidden by `-q`. */
  progress(line: string): void {
    if (!this.options.quiet) this.stderr.write(`${this.clean(line)}\n`);
  }

  /** A warning on stderr; shown even with `-q`. */
  warn(line: string): void {
    this.stderr.write(`${this.clean(`WARNING: ${line}`)}\n`);
  }

  /** Print an error and return the exit code of the contract. */
  error(error: unknown): number {
    if (isRetortError(error)) {
      if (this.options.json) {
        this.stdout.write(`${this.clean(JSON.stringify({ error: error.toJSON() }, null, 2))}\n`);
      } else {
        this.stderr.write(`${this.clean(`ERROR [${error.code}] ${error.message}`)}\n`);
        if (error.hint) this.stderr.write(`${this.clean(`  ${error.hint}`)}\n`);
        if (this.options.verbose && error.cause instanceof Error && error.cause.stack) {
          this.stderr.write(`${this.clean(error.cause.stack)}\n`);
        }
      }
      return error.exitCode;
    }
    // Not a RetortError: a bug or an unexpected driver failure. Still no password, still exit 1.
    const message = error instanceof Error ? (this.options.verbose ? (error.stack ?? error.message) : error.message) : String(error);
    if (this.options.json) {
      this.stdout.write(`${this.clean(JSON.stringify({ error: { code: 'InternalError', message } }, null, 2))}\n`);
    } else {
      this.stderr.write(`${this.clean(`ERROR ${message}`)}\n`);
    }
    return EXIT_CODES.migration;
  }
}
