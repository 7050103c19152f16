import { FixedPointOverflowError, ModelInputError } from "./errors.ts";

/**
 * Aggregation math (FedAvg) on quantized, sample-weighted updates; secure aggregation only changes how the sum is
 * obtained (unmaskSum), never this step.
 */

/**
 * Plain (unmasked) aggregation: the mod-2^32 sum of quantized updates — the no-secure-aggregation baseline, and
 * the exact value unmaskSum returns for the same updates.
 *
 * @example
 * const sum = sumUpdates(updates.map((u) => u.vector))
 */
export function sumUpdates(vectors: readonly Int32Array[]): Int32Array {
  if (vectors.length === 0) throw new ModelInputError("There are no updates to sum.");
  const length = vectors[0].length;
  const sum = new Int32Array(length);
  for (const v of vectors) {
    if (v.length !== length) throw new ModelInputError(`Updates of lengths ${length} and ${v.length} cannot be summed.`);
    for (let k = 0; k < length; k++) sum[k] = (sum[k] + v[k]) | 0;
  }
  return sum;
}

/**
 * FedAvg of the summed updates: Σ_i round(n_i·x_i·scale) / (Σ_i n_i · scale), the samples-weighted mean delta.
 *
 * @example
 * const delta = fedAvg(sum, totalSamples, spec.fixedPointScale)
 */
export function fedAvg(sum: Int32Array, totalSamples: number, scale: number): Float64Array {
  if (!Number.isSafeInteger(totalSamples) || totalSamples < 1)
    throw new ModelInputError(`The total sample count ${totalSamples} is not a positive integer.`);
  if (!(scale > 0)) throw new FixedPointOverflowError(`The fixed-point scale ${scale} is not positive.`);
  const divisor = totalSamples * scale;
  const out = new Float64Array(sum.length);
  for (let k = 0; k < sum.length; k++) out[k] = sum[k] / divisor;
  return out;
}

/**
 * The next global parameters: global + delta.
 *
 * @example
 * const next = applyDelta(globalParams, fedAvg(sum, totalSamples, scale))
 */
export function applyDelta(global: Float64Array, delta: Float64Array): Float64Array {
  if (global.length !== delta.length)
    throw new ModelInputError(`Cannot apply a delta of length ${delta.length} to ${global.length} parameters.`);
  const out = new Float64Array(global.length);
  for (let k = 0; k < out.length; k++) out[k] = global[k] + delta[k];
  return out;
}
