// The one fixed-point capacity rule: how many samples Σ n_i the int32 update sum holds under a spec's clipNorm and
// fixedPointScale. quantizeUpdate, aggregateRound, `2pm task create` and `2pm node run` all ask it.
import { FixedPointOverflowError } from "./errors.ts";
import { EVALUATION_ROW_CAPACITY } from "./evaluationBlock.ts";
import { INT32_SUM_LIMIT, type ModelSpec } from "./modelSpec.ts";

export type FixedPointConfig = Pick<ModelSpec, "clipNorm" | "fixedPointScale">;

/**
 * The largest total sample count Σ n_i whose weighted, quantized updates can never overflow the int32 sum:
 * each coordinate of node i is |round(n_i·x·scale)| <= n_i·clipNorm·scale + 1/2 and n_i >= 1, so
 * Σ_i <= T·(clipNorm·scale + 1/2) <= 2^31 − 1 whenever T <= capacity. The evaluation block's counts are bounded
 * by the same rows, so its own limit (EVALUATION_ROW_CAPACITY) caps the result too.
 *
 * @example
 * sampleCapacity({ clipNorm: 1, fixedPointScale: 2 ** 16 }) // 32767
 */
export function sampleCapacity(config: FixedPointConfig): number {
  return Math.min(Math.floor(INT32_SUM_LIMIT / (config.clipNorm * config.fixedPointScale + 0.5)), EVALUATION_ROW_CAPACITY);
}

export type SampleFitReturnType = {
  /** sampleCapacity(config). */
  capacity: number;
  /** Σ rows. */
  total: number;
  /** total <= capacity. */
  fits: boolean;
  /** capacity − total: samples still free (negative: how many too many). */
  headroom: number;
  /** The largest power-of-two fixedPointScale that holds `total` at this clipNorm (undefined: not even 1 does). */
  largestScale: number | undefined;
};

/**
 * Whether row counts (e.g. the datasets of a task's members) fit the int32 update sum of a spec, and by how much.
 * Counts are non-negative integers (numbers or the chain's bigints); a negative or fractional one throws.
 *
 * @example
 * sampleFit({ clipNorm: 5, fixedPointScale: 2 ** 16 }, [18_000n, 18_000n, 18_000n])
 * // { capacity: 6553, total: 54000, fits: false, headroom: -47447, largestScale: 4096 }
 */
export function sampleFit(config: FixedPointConfig, rows: readonly (number | bigint)[]): SampleFitReturnType {
  let sum = 0n;
  for (const r of rows) {
    if (typeof r === "number" ? !Number.isSafeInteger(r) || r < 0 : r < 0n)
      throw new FixedPointOverflowError(`The row count ${r} is not a non-negative integer.`);
    sum += BigInt(r);
  }
  const capacity = sampleCapacity(config);
  const total = Number(sum);
  let largestScale: number | undefined;
  // sampleCapacity shrinks as the scale grows: the first power of two from the top that holds `total`.
  for (let k = 30; k >= 0 && largestScale === undefined; k--)
    if (sampleCapacity({ clipNorm: config.clipNorm, fixedPointScale: 2 ** k }) >= Math.max(total, 1)) largestScale = 2 ** k;
  return { capacity, total, fits: sum <= BigInt(capacity), headroom: capacity - total, largestScale };
}

/** What to change in the spec so that `fit.total` samples fit: one clause for an error message. */
export function capacityAdvice(config: FixedPointConfig, fit: SampleFitReturnType): string {
  if (fit.total > EVALUATION_ROW_CAPACITY)
    return `use fewer rows (the round's evaluation counts hold at most ${EVALUATION_ROW_CAPACITY.toLocaleString("en-US")})`;
  const scale = fit.largestScale === undefined ? "" : ` to ${fit.largestScale} (2^${Math.log2(fit.largestScale)}) or less`;
  return `lower fixedPointScale${scale} (clipNorm ${config.clipNorm}) or lower clipNorm`;
}

/**
 * Throws a FixedPointOverflowError unless `totalSamples` (an upper bound on Σ n_i over the round's nodes) fits.
 *
 * @example
 * assertSumFits(spec, { totalSamples: sumOfMemberRows })
 */
export function assertSumFits(config: FixedPointConfig, options: { totalSamples: number }): void {
  const { totalSamples } = options;
  const fit = Number.isSafeInteger(totalSamples) && totalSamples >= 0 ? sampleFit(config, [totalSamples]) : undefined;
  if (!fit?.fits)
    throw new FixedPointOverflowError(
      `${totalSamples} samples can overflow the int32 update sum (at most ${sampleCapacity(config)} fit): ` +
        `${fit ? capacityAdvice(config, fit) : "lower fixedPointScale or clipNorm"}, or use fewer samples per node.`,
      {
        details: `Σ n_i·(clipNorm·scale + 1/2) must stay <= 2^31 − 1; clipNorm = ${config.clipNorm}, scale = ${config.fixedPointScale}.`,
      },
    );
}

// --- Differential privacy (s7-dp): with DP every update has weight 1 and carries a noise share. ---

/** Standard deviations of the summed noise a DP round's range may use: P(|N_Z(0,σ²)| > 12σ) <= 2e^−72 per value
 * (the discrete Gaussian is σ²-subgaussian, Canonne–Kamath–Steinke 2020). */
export const DP_NOISE_TAIL = 12;

export type DpSumFitParameters = {
  /** Most updates that can be summed (the task's maxNodes or the round's members). */
  nodes: number;
  /** Standard deviation of each node's noise share, int32 units (nodeNoiseSigma). */
  nodeSigma: number;
};

/**
 * The DP capacity rule: `nodes` updates of weight 1, |q_k| <= clipNorm·scale + 1/2, plus their noise shares,
 * must stay inside the int32 sum: nodes·(clipNorm·scale + 1/2) + 12·σ_node·√nodes <= 2^31 − 1 (the noise is
 * unbounded, so the rule holds except with probability <= 2e^−72 per value).
 *
 * @example
 * dpSumFit({ clipNorm: 1, fixedPointScale: 4096 }, { nodes: 10, nodeSigma: 2400 }).fits // true
 */
export function dpSumFit(config: FixedPointConfig, p: DpSumFitParameters): { bound: number; fits: boolean } {
  const bound = p.nodes * (config.clipNorm * config.fixedPointScale + 0.5) + DP_NOISE_TAIL * p.nodeSigma * Math.sqrt(p.nodes);
  return { bound, fits: Number.isSafeInteger(p.nodes) && p.nodes >= 1 && bound <= INT32_SUM_LIMIT };
}

/**
 * Throws a FixedPointOverflowError unless `nodes` noisy DP updates fit the int32 sum (dpSumFit).
 *
 * @example
 * assertDpSumFits(spec, { nodes: members.length, nodeSigma })
 */
export function assertDpSumFits(config: FixedPointConfig, p: DpSumFitParameters): void {
  const fit = dpSumFit(config, p);
  if (!fit.fits)
    throw new FixedPointOverflowError(
      `${p.nodes} noisy DP updates can overflow the int32 update sum (bound ${Math.round(fit.bound)} > 2^31 − 1): lower fixedPointScale or clipNorm, or the noise multiplier.`,
      { details: `nodes·(clipNorm·scale + 1/2) + ${DP_NOISE_TAIL}·σ_node·√nodes must stay <= 2^31 − 1; σ_node = ${p.nodeSigma}.` },
    );
}
