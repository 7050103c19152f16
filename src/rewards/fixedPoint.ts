/**
 * Deterministic fixed-point logarithms on bigint.
 *
 * Why not Math.log: ECMAScript fixes + − × ÷ on doubles (IEEE 754) but leaves Math.log "implementation-
 * approximated", so two engines (or two V8 versions) may disagree in the last bit, and a one-ulp difference in a
 * quality factor can move a floored payout by one base unit and change the payout root. Everything here is exact
 * integer arithmetic, so every machine computes the same bits.
 *
 * Format: a real x is the bigint `X = trunc(x · 2^FRAC_BITS)`; divisions truncate toward zero (bigint `/`).
 */

/** Fractional bits of the internal fixed point (2^-128 ≈ 2.9e-39). */
export const FRAC_BITS = 128n;
/** 1.0 in the internal fixed point. */
export const FP_ONE = 1n << FRAC_BITS;

/** Bit length of a positive bigint (1n → 1). */
function bitLength(x: bigint): bigint {
  return BigInt(x.toString(2).length);
}

/** atanh(z) for 0 <= z < 1/2 (fixed point), by the series z + z³/3 + z⁵/5 + … until a term truncates to 0. */
function atanhFixed(z: bigint): bigint {
  const z2 = (z * z) >> FRAC_BITS;
  let power = z;
  let sum = z;
  for (let k = 3n; ; k += 2n) {
    power = (power * z2) >> FRAC_BITS;
    if (power === 0n) return sum;
    sum += power / k;
  }
}

/** ln 2 = 2·atanh(1/3), in the internal fixed point. */
export const LN2_FP = 2n * atanhFixed(FP_ONE / 3n);

/**
 * ln(num/den) in the internal fixed point (signed), for positive integers num and den.
 *
 * num/den = m·2^e with m in [1, 2); ln m = 2·atanh((m−1)/(m+1)) with (m−1)/(m+1) in [0, 1/3), so the series
 * gains more than 3 bits per term (~40 terms for 128 bits). Absolute error below 2^-120.
 * @example
 * lnRatioFixed(1n, 2n) // ≈ −0.693147… · 2^128
 */
export function lnRatioFixed(num: bigint, den: bigint): bigint {
  if (num <= 0n || den <= 0n) throw new RangeError("lnRatioFixed needs positive integers");
  let e = bitLength(num) - bitLength(den);
  // m = num / (den · 2^e) in fixed point; lies in [1/2, 2) before adjustment.
  const mantissa = (shift: bigint): bigint =>
    shift >= 0n ? (num << FRAC_BITS) / (den << shift) : (num << (FRAC_BITS - shift)) / den;
  let m = mantissa(e);
  if (m < FP_ONE) {
    e -= 1n;
    m = mantissa(e);
  }
  const z = ((m - FP_ONE) << FRAC_BITS) / (m + FP_ONE);
  return e * LN2_FP + 2n * atanhFixed(z);
}

/** Converts an internal fixed-point value to a decimal fixed-point integer with `decimals` digits (floor). */
export function toDecimalFixed(x: bigint, decimals: number): bigint {
  const scaled = x * 10n ** BigInt(decimals);
  // Floor (not truncate) so negative values round down too.
  return scaled >= 0n ? scaled >> FRAC_BITS : -((-scaled + FP_ONE - 1n) >> FRAC_BITS);
}
