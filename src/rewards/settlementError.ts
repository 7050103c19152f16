import { TwoPmError } from "../errors.ts";
import type { TwoPmErrorOptions } from "../errors.ts";

/**
 * Why a settlement action was refused before any transaction was sent (so callers can branch, e.g. `claim --all`
 * skips "already-claimed" leaves).
 */
export type SettlementErrorReason =
  | "wrong-status"
  | "not-settler"
  | "deadline-passed"
  | "claims-not-open"
  | "claims-frozen"
  | "root-mismatch"
  | "already-claimed"
  | "not-member"
  | "nothing-to-withdraw"
  | "window-closed"
  | "verifies"
  | "not-creator";

/** A settlement, claim, dispute, stake or refund action that cannot succeed now; the message says what to do. */
export class SettlementError extends TwoPmError {
  override name = "SettlementError";
  readonly reason: SettlementErrorReason;
  constructor(shortMessage: string, reason: SettlementErrorReason, options: TwoPmErrorOptions = {}) {
    super(shortMessage, options);
    this.reason = reason;
  }
}
