// Distributed DP over secure aggregation (Kairouz, Liu & Steinke, "The Distributed Discrete Gaussian Mechanism for
// Federated Learning with Secure Aggregation", ICML 2021): each node adds its share of discrete Gaussian noise to
// its clipped int32 update before masking, so the survivors' sum carries the central noise and nobody — the
// aggregator included — ever sees a noiseless update or sum.
import { FlError } from "../errors.ts";
import type { ModelSpec } from "../modelSpec.ts";
import { discreteGaussianVector } from "./discreteGaussian.ts";
import type { RandomSource } from "./randomSource.ts";

/** The DP terms of a spec (`spec.dp`). */
export type DpTerms = NonNullable<ModelSpec["dp"]>;

/** Smallest per-node noise standard deviation (int32 units) allowed: keeps the sum-of-discrete-Gaussians term τ of
 * the accountant below 1e-250, so ε depends only on the on-chain terms (noise multiplier, δ, survivors, minimum). */
export const MIN_NODE_SIGMA = 8;

/**
 * L2 sensitivity of one node's quantized update, in int32 units: the update is round(x·scale) with ‖x‖ <= clipNorm
 * (weight 1 with DP), so ‖q‖ <= clipNorm·scale + √length/2 (the rounding error). Zero-out adjacency: a node's
 * update replaced by zeros changes the sum by at most this.
 *
 * @example
 * dpSensitivity({ clipNorm: 1, fixedPointScale: 4096 }, 15) // 4097.94…
 */
export function dpSensitivity(spec: Pick<ModelSpec, "clipNorm" | "fixedPointScale">, length: number): number {
  return spec.clipNorm * spec.fixedPointScale + Math.sqrt(length) / 2;
}

/**
 * Standard deviation of each node's noise share (int32 units): σ_node = z·Δ₂/√m, sized so that the sum over the
 * fewest survivors the task can finalize with (m = the task's minNodes) already carries central noise z·Δ₂.
 * More survivors only add noise.
 *
 * @example
 * nodeNoiseSigma({ clipNorm: 1, fixedPointScale: 4096, dp: { noiseMultiplier: 1, delta: 1e-5 } }, 15, 3)
 */
export function nodeNoiseSigma(
  spec: Pick<ModelSpec, "clipNorm" | "fixedPointScale"> & { dp?: DpTerms },
  length: number,
  minSurvivors: number,
): number {
  if (!spec.dp) throw new FlError("The model spec has no DP terms.");
  if (!Number.isSafeInteger(minSurvivors) || minSurvivors < 1)
    throw new FlError(`The minimum number of survivors ${minSurvivors} is not a positive integer.`);
  const sigma = (spec.dp.noiseMultiplier * dpSensitivity(spec, length)) / Math.sqrt(minSurvivors);
  if (sigma < MIN_NODE_SIGMA)
    throw new FlError(
      `Each node's DP noise would have σ ${sigma.toFixed(2)} < ${MIN_NODE_SIGMA} fixed-point units: raise fixedPointScale or the noise multiplier.`,
    );
  return sigma;
}

/**
 * Adds a node's discrete Gaussian noise share to the first `length` entries of its quantized update (the model
 * parameters; anything appended after them, such as evaluation counts, is left as is), wrapping mod 2^32 like the
 * masked sum. Returns a new vector.
 *
 * @example
 * const noisy = addNodeNoise(quantized, { sigma: nodeNoiseSigma(spec, length, minNodes), length, random: createRandomSource() })
 */
export function addNodeNoise(
  vector: Int32Array,
  options: { sigma: number; length: number; random: RandomSource },
): Int32Array {
  const { sigma, length, random } = options;
  if (length > vector.length) throw new FlError(`Cannot add noise to ${length} of ${vector.length} values.`);
  const noise = discreteGaussianVector(length, sigma, random);
  const out = Int32Array.from(vector);
  for (let k = 0; k < length; k++) out[k] = (out[k] + noise[k]) | 0;
  return out;
}

/**
 * Largest L2 norm a sum of `nodes` noisy DP updates can have (except with probability <= e^−72): each update is
 * at most Δ₂ long, and the summed noise N_Z(0, nodes·σ_node²)^length is at most σ·(√length + 12) long (Gaussian
 * norm concentration; the discrete Gaussian is σ²-subgaussian). The range check of aggregateRound.
 */
export function dpSumNormBound(
  spec: Pick<ModelSpec, "clipNorm" | "fixedPointScale"> & { dp?: DpTerms },
  length: number,
  nodes: number,
  minSurvivors: number,
): number {
  const sigma = nodeNoiseSigma(spec, length, minSurvivors) * Math.sqrt(nodes);
  return (nodes * dpSensitivity(spec, length) + sigma * (Math.sqrt(length) + 12)) * (1 + 1e-9) + 1;
}
