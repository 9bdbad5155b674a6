/**
 * The V8 flags of a CLI process, set before anything else runs (bin.ts, run.ts). Both are read
 * by V8 whenever they matter (each compilation, each time the young generation would grow), so
 * setting them at the start of the process covers the whole run.
 */
export const CLI_V8_FLAGS: readonly string[] = Object.freeze([
  // V8's compilation cache keeps the source and top-level code of every script compiled in the
  // process until memory pressure or age clears it, even after nothing refers to it: a run of
  // 20,000 revisions held 150 MB there (7 KB a revision) while retort itself held none. The CLI
  // compiles each revision once, so the cache never answers and only costs memory. The flag is read
  // at each compilation, so setting it now covers every script this process compiles.
  '--no-compilation-cache',
  // V8 grows the young generation (up to two 16 MB semi-spaces) once a process allocates fast, and
  // keeps it for the rest of the run, though nearly all of it is garbage: a warm upgrade of 2,000
  // revisions on SQLite peaked at 128 MB RSS with 60 MB of heap for 28 MB used. Kept at its initial
  // size, the peak fell to 98 MB (knex: 89) for the same CPU time (3.34 -> 3.29 s user+sys), a cold
  // one 147 -> 121 MB, and `check` of 500 PostgreSQL tables 77 -> 66 MB and 0.571 -> 0.544 s. Read
  // whenever V8 would grow the space, so setting it now covers the whole run.
  '--semi-space-growth-factor=1',
  // Let a function run 8 times longer in the interpreter and baseline code before V8 optimizes it
  // with TurboFan. A CLI process lives under a second or a few: TurboFan compiled about 50 of
  // retort's functions in a `check` of 2,000 PostgreSQL tables, on a background thread that took
  // a core from the database server on a 2-core machine, and the process ended before most of that
  // code paid for itself. Measured alternating against the default (medians of 7-11 processes):
  // that check 0.77 -> 0.68 s (CPU 0.67 -> 0.50 s), GitLab's check 1.59 -> 1.45 s (CPU 1.48 ->
  // 1.13 s), a warm upgrade of 500 PostgreSQL revisions CPU 1.03 -> 0.83 s (peak RSS 71 -> 67 MB).
  // Turning TurboFan off instead (`--max-opt=2`) gains as much on short commands but made a check
  // of 20,000 tables 23% slower (3.38 -> 4.16 s); with the later start that check is unchanged
  // (3.43 -> 3.41 s): long runs still get optimized code, only later. Read whenever V8 starts a
  // function's budget, so setting it before the bundle is compiled covers all of retort's code.
  '--interrupt-budget=540672',
]);

/** A V8 flag some commands set for themselves at run time, and the setting that undoes it (its default). */
export interface CommandV8Flag {
  readonly set: string;
  readonly unset: string;
}

/**
 * The flags a run (upgrade, downgrade...: commands/migrate.ts) sets before it loads anything, so
 * that every code cache the run uses has the same tag. bin.ts undoes them at exit, before it
 * makes the CLI's own code cache: V8 accepts that cache only in a process whose flags are those
 * it was made under, and the next run compiles the bundle before setting them.
 */
export const RUN_V8_FLAGS: readonly CommandV8Flag[] = Object.freeze([
  // Collect the old generation sooner. A run's heap is mostly garbage: each revision's module,
  // statements and results die once it is done, but many outlive V8's young generation (held at
  // its first size: above) and die in the old one, which V8 lets grow to about twice what was live
  // before collecting it. A fixed growth of 20% instead: peak RSS of a warm 2,000-revision SQLite
  // upgrade 99.7 -> 89.3 MB (knex: 89) for no more CPU (medians of 5 alternating runs, load 3.2).
  // Runs only: a `check` of GitLab's 1,401 tables, whose heap is mostly live, took 11% more CPU
  // with it.
  { set: '--heap-growing-percent=20', unset: '--heap-growing-percent=0' },
]);
