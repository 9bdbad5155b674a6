/**
 * Runs the built `retort` executable as a child process without blocking the test, for scenarios
 * with several processes at once (concurrent runs, a run killed mid-revision).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from './cli.js';

/** What a finished process printed, how it exited, and how long it took. */
export interface AsyncRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A running `retort` process: its child, its output so far, and a promise of its end. */
export interface RunningRetort {
  readonly child: ChildProcess;
  /** stdout and stderr received so far. */
  output(): { stdout: string; stderr: string };
  readonly done: Promise<AsyncRun>;
}

/** How to start the process: as another OS user (through `setpriv`, the test runs as root), with more environment. */
export interface StartOptions {
  /** Run as this OS user and its group (see os-user.ts: `ensureOsUser`). */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly env?: Readonly<Record<string, string>>;
}

/** Start `retort ARGS` in `cwd`. */
export function startRetort(cwd: string, args: readonly string[], options: StartOptions = {}): RunningRetort {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx tsc -p tsconfig.build.json\` first.`);
  const started = Date.now();
  const { user } = options;
  const [command, argv] = user === undefined
    ? [process.execPath, [BIN, ...args]]
    : ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', process.execPath, BIN, ...args]];
  const env = { ...process.env, ...options.env };
  const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<AsyncRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
  return { child, output: () => ({ stdout, stderr }), done };
}

/** Wait until `predicate` holds, polling every 50 ms; fails after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
