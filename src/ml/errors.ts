import { TwoPmError } from "../errors.ts";

/** Base error of the closed-form models (src/ml): a bad layout, statistics out of bounds, a singular system. */
export class MlError extends TwoPmError {
  override name = "MlError";
}
