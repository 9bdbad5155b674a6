/**
 * One network connection's health, shared by the PostgreSQL and MySQL dialects.
 *
 * A connection can die three ways under a run: the driver reports it (an 'error' event on an idle
 * connection: unhandled, it would crash the process), a statement fails with a connection-level
 * error (reset, end of stream, server shutdown, session killed), or it goes silent (a stalled
 * network, a dead peer behind a proxy that still acknowledges TCP). The guard turns each into one
 * `ConnectionLost` RetortError naming the server, the target and the statement, and once a
 * connection is known lost, every later statement fails at once with the same cause instead of
 * waiting on a dead socket.
 *
 * Silence: a long DDL legitimately sends no byte for minutes, so a plain statement timeout would
 * kill good runs. After `statementIdleMs` without a byte while a statement is in flight, the
 * guard asks the server on a separate, new connection what the session is doing (PostgreSQL
 * `pg_stat_activity`, MySQL `PROCESSLIST`): a session still running its statement (or waiting on a
 * lock) is waited for; a session the server reports idle (the answer was lost on the way, or the
 * statement never arrived) or no longer has is ended server-side (so its transaction rolls back
 * and its locks go) and the connection declared lost; a server no new connection can reach is
 * declared lost too. TCP keepalive (set by each dialect) covers the idle time between statements.
 */
import type { Socket } from 'node:net';
import { RetortError } from '../../errors.js';

/** Where a connection goes, for messages. */
export interface Endpoint {
  /** `PostgreSQL` or `MySQL`. */
  readonly server: string;
  readonly host: string;
  readonly port: number;
  /** The target's name, when the connection serves one. */
  readonly target?: string;
  /** What the connection is for, e.g. `the run lock's connection`; absent for the run's session. */
  readonly role?: string;
}

/** Why a connection is gone. */
export interface LossCause {
  /** One sentence, e.g. `the server closed the connection (server shutdown)`. */
  readonly reason: string;
  /** The driver's code, when it gave one (ECONNRESET, 57P01, PROTOCOL_CONNECTION_LOST...). */
  readonly driverCode?: string;
}

/** What the server says of a silent session, asked on a new connection. */
export interface ProbeAnswer {
  /** `running`: its statement executes or waits; `idle`: no statement runs; `gone`: no such session; `unknown`: cannot tell. */
  readonly verdict: 'running' | 'idle' | 'gone' | 'unknown';
  /** Close the probe's connection, first ending the watched session server-side when `terminate`. */
  end(terminate: boolean): Promise<void>;
}

/** Options of a {@link ConnectionGuard}. */
export interface GuardOptions {
  readonly endpoint: Endpoint;
  /** Silence (ms) during a statement before the server is asked; 0 never asks. */
  readonly statementIdleMs: number;
  /** Longest a probe (its connect and its query) may take before the server counts as unreachable. */
  readonly probeTimeoutMs: number;
  /** The connection loss a driver error stands for, or undefined for an SQL error. */
  readonly classify: (error: unknown) => LossCause | undefined;
  /** Ask the server about this session on a new connection; rejects when it cannot be reached. */
  readonly probe?: () => Promise<ProbeAnswer>;
  /** Destroy the connection's socket, so the driver fails the statement in flight. */
  readonly destroy: () => void;
}

/** The health of one connection; see the module comment. */
export class ConnectionGuard {
  private cause: LossCause | undefined;
  private lastByteAt = Date.now();

  constructor(private readonly options: GuardOptions) {}

  /** Count bytes from the server on `socket` (any byte proves the peer alive). */
  watch(socket: Socket | undefined): void {
    socket?.on('data', () => {
      this.lastByteAt = Date.now();
    });
  }

  /** The cause, once the connection is known lost. */
  get lost(): LossCause | undefined {
    return this.cause;
  }

  /** Record a loss (the first cause wins: later errors are its consequences). */
  markLost(cause: LossCause): void {
    this.cause ??= cause;
  }

  /** Record `error` (from an 'error' event) as the loss it stands for, if it stands for one. */
  onDriverError(error: unknown): void {
    const cause = this.options.classify(error);
    this.markLost(cause ?? { reason: describe(error) });
  }

  /**
   * Run one statement through `send`, watching it. A connection-level failure (or one known
   * before) becomes `ConnectionLost`; an SQL error passes through unchanged. `sql` names the
   * statement; a function is asked only when the error is made (a request of several statements
   * names the one it was lost during).
   */
  async run<T>(sql: string | (() => string), send: () => Promise<T>): Promise<T> {
    const statement = typeof sql === 'string' ? () => sql : sql;
    if (this.cause !== undefined) throw this.lostError(statement(), false);
    const stop = this.watchSilence();
    try {
      return await send();
    } catch (error) {
      const cause = this.cause ?? this.options.classify(error);
      if (cause === undefined) throw error;
      this.markLost(cause);
      throw this.lostError(statement(), true, error);
    } finally {
      stop();
    }
  }

  /** The `ConnectionLost` error for a loss noticed outside any statement (e.g. by the lock's keeper). */
  lostError(sql: string | undefined, sent: boolean, error?: unknown): RetortError {
    const { server, host, port, target, role } = this.options.endpoint;
    const cause = this.cause ?? { reason: describe(error) };
    const what = `The ${role ?? 'connection'} to ${server} at ${host}:${port}${target === undefined ? '' : ` (target '${target}')`}`;
    const when = sql === undefined ? 'was lost' : sent ? 'was lost while this statement ran' : 'had been lost before this statement was sent';
    const reason = `${cause.reason.charAt(0).toUpperCase()}${cause.reason.slice(1)}`;
    return new RetortError('ConnectionLost', `${what} ${when}${sql === undefined ? '' : `: ${sql}`}\n  ${reason}.`, {
      fields: {
        ...(target === undefined ? {} : { target }),
        host,
        port,
        ...(sql === undefined ? {} : { statement: sql, statementSent: sent }),
        reason: cause.reason,
        driverCode: cause.driverCode ?? null,
      },
      hint: 'Check the server and the network between them, then run the command again: it reads the version table and the history, and says so if a revision needs a person first.',
      cause: error,
    });
  }

  /** Start watching for silence during a statement; returns the function that stops it. */
  private watchSilence(): () => void {
    const { statementIdleMs: idle, probe } = this.options;
    if (idle <= 0 || probe === undefined) return () => undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const sentAt = Date.now();
    const schedule = (ms: number) => {
      timer = setTimeout(() => void check(), ms);
    };
    const check = async (): Promise<void> => {
      const quietFor = Date.now() - Math.max(this.lastByteAt, sentAt);
      if (quietFor < idle) return schedule(idle - quietFor);
      const askedAt = Date.now();
      let answer: ProbeAnswer;
      try {
        answer = await this.withProbeTimeout(probe());
      } catch (error) {
        if (done) return;
        return this.declare({ reason: `The server sent nothing for ${seconds(quietFor)} while the statement ran, and a new connection could not reach it either (${describe(error)})` });
      }
      const answered = this.lastByteAt >= askedAt;
      if (done || answered || answer.verdict === 'running' || answer.verdict === 'unknown') {
        await answer.end(false);
        if (!done) schedule(idle);
        return;
      }
      const reason = answer.verdict === 'idle'
        ? `The server sent nothing for ${seconds(quietFor)} while the statement ran, but reports the session idle: the statement's answer (or the statement) was lost on the way; retort ended that server session`
        : `The server sent nothing for ${seconds(quietFor)} while the statement ran, and no longer has the session`;
      await answer.end(answer.verdict === 'idle');
      this.declare({ reason });
    };
    schedule(idle);
    return () => {
      done = true;
      clearTimeout(timer);
    };
  }

  private declare(cause: LossCause): void {
    this.markLost(cause);
    this.options.destroy();
  }

  private withProbeTimeout(answer: Promise<ProbeAnswer>): Promise<ProbeAnswer> {
    const ms = this.options.probeTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A probe that answers late still holds a connection: close it.
        answer.then((a) => a.end(false), () => undefined);
        reject(new Error(`no answer within ${seconds(ms)}`));
      }, ms);
      answer.then(
        (a) => (clearTimeout(timer), resolve(a)),
        (e: unknown) => (clearTimeout(timer), reject(e)),
      );
    });
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** A driver error's message, for a reason sentence. */
export function describe(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  return String(error ?? 'unknown error');
}
