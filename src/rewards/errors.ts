import { TwoPmError } from "../errors.ts";
import type { TwoPmErrorOptions } from "../errors.ts";

/** The reward inputs read from chain + storage are inconsistent or out of range. */
export class InvalidRewardInputsError extends TwoPmError {
  override name = "InvalidRewardInputsError";
  constructor(shortMessage: string, options: TwoPmErrorOptions = {}) {
    super(shortMessage, options);
  }
}

/** A payout table is malformed, inconsistent with its own root, or has no leaf for the requested account. */
export class PayoutTableError extends TwoPmError {
  override name = "PayoutTableError";
  constructor(shortMessage: string, options: TwoPmErrorOptions = {}) {
    super(shortMessage, options);
  }
}
