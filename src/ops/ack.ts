/**
 * Acknowledgements: a script's way to say "this operation is risky and we know why it is fine
 * here", read by `retort lint`. The facade returns an {@link OpCall} from every operation:
 * `await op.execute('...').ack('raw-execute', 'backfill of 200 rows, reviewed')`. The ack is kept
 * beside the frozen operation (a WeakMap), so the operation objects stay plain and online runs
 * pay one array per call.
 */
import { RetortError } from '../errors.js';
import type { Operation } from './operations.js';

/** One acknowledged lint rule, with the reason lint prints. */
export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
}

/** The promise of an `op.*` call; `ack` acknowledges a lint rule for this operation and returns it. */
export interface OpCall extends Promise<void> {
  /**
   * Acknowledge the lint finding `rule` (e.g. `'index-not-concurrent'`) for this operation, with
   * the reason a reviewer reads in lint's output. Chainable; await the result as the call itself.
   */
  ack(rule: string, reason: string): OpCall;
}

const registry = new WeakMap<Operation, Acknowledgement[]>();

/** The acknowledgements the script gave for `op`. */
export function acknowledgementsOf(op: Operation): readonly Acknowledgement[] {
  return registry.get(op) ?? [];
}

/** Attach `acks` (filled by later `.ack()` calls) to `op`. */
export function registerAcknowledgements(op: Operation, acks: Acknowledgement[]): void {
  registry.set(op, acks);
}

/** Make `promise` an {@link OpCall} whose `.ack()` calls append to `acks`. */
export function acknowledgeable(promise: Promise<void>, acks: Acknowledgement[]): OpCall {
  const call = promise as OpCall;
  call.ack = (rule: string, reason: string): OpCall => {
    if (typeof rule !== 'string' || rule.trim() === '' || typeof reason !== 'string' || reason.trim() === '') {
      // Thrown synchronously: the script's own line is the one the error points at.
      throw new RetortError('BadArgument', `.ack(rule, reason) needs a lint rule id and a non-empty reason, got ${JSON.stringify(rule)}, ${JSON.stringify(reason)}.`, {
        hint: "Write `.ack('index-not-concurrent', 'the table has 40 rows')`: `retort lint` prints the reason.",
      });
    }
    acks.push(Object.freeze({ rule: rule.trim(), reason: reason.trim() }));
    return call;
  };
  return call;
}
