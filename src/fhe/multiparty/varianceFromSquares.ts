import { FheError } from "../errors.ts";

/**
 * Population variances from the means of x and of x² columns, for committee mode (no relinearization key, so the
 * compute node cannot square: contributors encrypt x² as a column of its own). Clamps rounding below zero to 0;
 * more negative than `tolerance` cannot come from real data and throws.
 *
 * @example
 * const { means } = await combineDecryptionShares(ctx, { result, committeeKeys, shares }); // columns [x, x²]
 * varianceFromSquares([means![0]], [means![1]]); // [E[x²] − E[x]²]
 */
export function varianceFromSquares(means: readonly number[], meansOfSquares: readonly number[], tolerance = 1e-3): number[] {
  if (means.length !== meansOfSquares.length) {
    throw new FheError(`Give one mean of squares per mean (${means.length} means, ${meansOfSquares.length} of squares).`);
  }
  return means.map((mean, c) => {
    const variance = meansOfSquares[c] - mean * mean;
    if (variance < -tolerance * Math.max(1, meansOfSquares[c])) {
      throw new FheError(`Column ${c}: the mean of squares ${meansOfSquares[c]} is below the squared mean ${mean * mean}; the x² column does not match x.`);
    }
    return Math.max(0, variance);
  });
}
