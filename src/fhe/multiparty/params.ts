// Committee-mode CKKS parameters and the size of the smudging noise (the argument is in docs/fhe.md, "Committee
// (threshold) mode").
import type { FheParams } from "../params.ts";

/**
 * Committee mode: N = 8192, [58, 50, 50, 60] (218 bits, the most 128-bit security allows at N = 8192), scale 2^50.
 * The scale is 2^10 larger than single-key mode's so that the smudging noise each member adds to its decryption
 * share costs ~1e-3 absolute instead of ~1; the 58-bit first prime keeps the total within 218 bits.
 */
export const COMMITTEE_FHE_PARAMS: FheParams = Object.freeze({
  polyModulusDegree: 8192,
  coeffModulusBits: Object.freeze([58, 50, 50, 60]) as readonly number[],
  scale: 2 ** 50,
});

/** Statistical security of the smudging (OpenFHE's NOISE_FLOODING default): an adversary's advantage <= 2^-30. */
export const STATISTICAL_SECURITY_BITS = 30;

/**
 * Bound on the noise of a result ciphertext, per coefficient (infinity norm), for computeStats' circuits under a
 * committee key of up to 16 members: measured at most ~2^13 (bench/fheCommittee.ts, test/unit/fhe/multiparty*),
 * taken with a margin of 2^5.
 */
export const RESULT_NOISE_BOUND = 2 ** 18;

/**
 * Standard deviation of the Gaussian noise each member adds to its decryption share, per coefficient:
 * σ = √(12·τ)·2^(s/2)·t with τ = 1 query (a member shares a ciphertext once), s = 30 bits and t the result noise
 * bound — OpenFHE's noise-flooding rule (CKKS_NOISE_FLOODING.md). Each member's own noise must hide t on its own,
 * because the other n − 1 members know theirs.
 */
export const SMUDGING_SIGMA = Math.sqrt(12) * 2 ** (STATISTICAL_SECURITY_BITS / 2) * RESULT_NOISE_BOUND;

/**
 * Largest error the smudging noise of `members` shares adds to a decoded value, at scale `scale` in ring N: the
 * sum of the members' noises has standard deviation √members·σ per coefficient and √(N/2)·√members·σ / scale per
 * slot; 7 standard deviations (a Gaussian exceeds that with probability ~3e-12 per slot).
 */
export function smudgingErrorBound(members: number, n: number, scale: number): number {
  return (7 * Math.sqrt(members) * SMUDGING_SIGMA * Math.sqrt(n / 2)) / scale;
}
