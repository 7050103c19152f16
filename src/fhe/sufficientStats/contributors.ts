// The rule that protects each contributor's statistics from the others: nothing is decrypted before a sum holds
// enough distinct contributors.
import { FheError } from "../errors.ts";

/** The floor of any call's minimum: with 2, either contributor learns the other's statistics (sum − own). */
export const MIN_CONTRIBUTORS_FLOOR = 3;

/**
 * Throws unless `contributors` holds at least `minContributors` distinct ids and `minContributors` >= 3. Every
 * decryption path of encrypted statistics calls it first; the chain/app layer calls it too (with the
 * contributors it has seen on chain) before asking anyone to decrypt.
 *
 * @example
 * assertMinContributors(["0xa…", "0xb…", "0xc…"], 3); // passes
 * assertMinContributors(["0xa…", "0xb…"], 3);         // FheError: 2 distinct contributors, the call needs 3 …
 */
export function assertMinContributors(contributors: readonly string[], minContributors: number): void {
  if (!Number.isInteger(minContributors) || minContributors < MIN_CONTRIBUTORS_FLOOR) {
    throw new FheError(
      `A call's minimum of contributors must be an integer >= ${MIN_CONTRIBUTORS_FLOOR}, got ${minContributors}: ` +
        "with fewer, a contributor learns another's statistics by subtracting its own.",
    );
  }
  const distinct = new Set(contributors).size;
  if (distinct < minContributors) {
    throw new FheError(
      `Not decrypting: these statistics hold ${distinct} distinct contributor(s), the call needs ${minContributors} ` +
        "before anything is decrypted.",
    );
  }
}
