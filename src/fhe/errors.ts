import { TwoPmError } from "../errors.ts";
import type { TwoPmErrorOptions } from "../errors.ts";

/** Base error of the FHE subsystem (CKKS via node-seal). */
export class FheError extends TwoPmError {
  override name = "FheError";
}

/** CKKS parameters that are invalid or below 128-bit security. */
export class FheParameterError extends FheError {
  override name = "FheParameterError";
}

/** A file or key that belongs to another key pair than the one given. */
export class FheKeyMismatchError extends FheError {
  override name = "FheKeyMismatchError";
}

/** A malformed, truncated or unsupported .fhed / .fher / key bundle file. */
export class FheFormatError extends FheError {
  override name = "FheFormatError";
}

export type { TwoPmErrorOptions };
