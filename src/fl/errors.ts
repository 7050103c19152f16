import { TwoPmError } from "../errors.ts";

/** Base class of the federated-learning errors (model specs, training, update files, secure aggregation). */
export class FlError extends TwoPmError {
  override name = "FlError";
}

/** A model spec JSON is malformed or its hyper-parameters cannot work (e.g. fixed point that overflows). */
export class InvalidModelSpecError extends FlError {
  override name = "InvalidModelSpecError";
}

/** A training table or parameter vector does not fit the model spec. */
export class ModelInputError extends FlError {
  override name = "ModelInputError";
}

/** An update or round-model file is malformed, truncated or inconsistent with its own header. */
export class UpdateFormatError extends FlError {
  override name = "UpdateFormatError";
}

/** The fixed-point configuration can overflow the mod-2^32 sum of the updates. */
export class FixedPointOverflowError extends FlError {
  override name = "FixedPointOverflowError";
}

/** Secure aggregation refused an unsafe request (e.g. revealing a seed toward a member that submitted) or failed. */
export class SecureAggregationError extends FlError {
  override name = "SecureAggregationError";
}

/** A round cannot be aggregated as requested (too few updates, or a failure with `onFailure: "throw"`). */
export class RoundAggregationError extends FlError {
  override name = "RoundAggregationError";
}
