// Internal: CKKS headroom. A ciphertext with primes q0…q(P-1) holds a value m at scale Δ correctly only while
// |m|·Δ < Q/2, Q = Π q_j >= 2^Σ(bits_j − 1). Overflow is silent garbage, so limits are checked before encrypting.
import type { FheContext } from "./createFheContext.ts";

const MARGIN_BITS = 1; // keep a factor 2 below the hard limit (noise, rescale rounding, scale drift)

function limitBits(ctx: FheContext, primes: number): number {
  let bits = 0;
  for (let j = 0; j < primes; j++) bits += ctx.primeBits[j] - 1;
  return bits - Math.log2(ctx.params.scale) - 1 - MARGIN_BITS;
}

/** Largest |value| a fresh ciphertext with `primes` primes represents safely. */
export function valueLimit(ctx: FheContext, primes: number): number {
  return 2 ** limitBits(ctx, primes);
}

/**
 * Largest |value| a ciphertext stored with `primes` primes may reach after one multiplication + rescale (x², w·x):
 * it then has primes − 1 primes. 0 when no multiplication is possible.
 */
export function productLimit(ctx: FheContext, primes: number): number {
  return primes < 2 ? 0 : 2 ** limitBits(ctx, primes - 1);
}

/** Largest |w·x + b| when every |x_c| <= maxAbs (what a linear score can reach). */
export function scoreBound(weights: readonly number[], bias: number, maxAbs: number): number {
  return weights.reduce((sum, w) => sum + Math.abs(w), 0) * maxAbs + Math.abs(bias);
}

/**
 * The fewest primes a column sum needs. The encryptor checked Σx² <= productLimit per group of blocks, so
 * |Σx| <= sqrt(rows · groups · limit) (Cauchy–Schwarz): primes the sum cannot need are dropped — smaller results,
 * and rotations at fewer primes are faster.
 */
export function sumPrimes(ctx: FheContext, primes: number, rows: number, groups: number): number {
  const bound = Math.sqrt(rows * groups * productLimit(ctx, primes));
  let target = primes;
  while (target > 1 && valueLimit(ctx, target - 1) >= bound) target--;
  return target;
}
