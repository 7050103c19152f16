// Exact sampling of the discrete Gaussian N_Z(0, σ²) — P(x) ∝ exp(−x²/2σ²) on the integers — by the algorithm of
// Canonne, Kamath & Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020), Algorithms 1–3.
// All arithmetic is on exact rationals (BigInt), so no floating-point error leaks into the distribution.
import { FlError } from "../errors.ts";
import type { RandomSource } from "./randomSource.ts";

/** An exact non-negative rational n/d (d > 0). */
export type Rational = { n: bigint; d: bigint };

/**
 * The exact rational value of a finite non-negative double (every double is a dyadic rational).
 *
 * @example
 * toRational(0.75) // { n: 3n, d: 4n }
 */
export function toRational(x: number): Rational {
  if (!Number.isFinite(x) || x < 0) throw new FlError(`${x} is not a finite non-negative number.`);
  let d = 1n;
  let v = x;
  // Doubling is exact; at most 1074 steps bring any double to an integer.
  while (!Number.isInteger(v)) {
    v *= 2;
    d *= 2n;
  }
  return { n: BigInt(v), d };
}

/** Bernoulli(n/d), n/d ∈ [0, 1]. */
function bernoulli(p: Rational, random: RandomSource): boolean {
  return random.below(p.d) < p.n;
}

/** Bernoulli(exp(−γ)) for a rational γ >= 0 (CKS Algorithm 1). */
function bernoulliExpNeg(gamma: Rational, random: RandomSource): boolean {
  let { n, d } = gamma;
  while (n > d) {
    // exp(−γ) = exp(−1)·exp(−(γ−1)).
    if (!bernoulliExpNeg({ n: 1n, d: 1n }, random)) return false;
    n -= d;
  }
  let k = 1n;
  while (bernoulli({ n, d: d * k }, random)) k++;
  return k % 2n === 1n;
}

/** Discrete Laplace with scale t (a positive integer): P(x) ∝ exp(−|x|/t) (CKS Algorithm 2). */
function discreteLaplace(t: bigint, random: RandomSource): bigint {
  for (;;) {
    const u = random.below(t);
    if (!bernoulliExpNeg({ n: u, d: t }, random)) continue;
    let v = 0n;
    while (bernoulliExpNeg({ n: 1n, d: 1n }, random)) v++;
    const x = u + t * v;
    const negative = random.below(2n) === 1n;
    if (negative && x === 0n) continue;
    return negative ? -x : x;
  }
}

/** floor(sqrt(r)) for a rational r >= 0. */
function floorSqrt(r: Rational): bigint {
  const q = r.n / r.d;
  if (q < 2n) return q;
  let x = BigInt(Math.floor(Math.sqrt(Number(q))));
  while (x * x > q) x--;
  while ((x + 1n) * (x + 1n) <= q) x++;
  return x;
}

/**
 * One sample of N_Z(0, σ²) (CKS Algorithm 3): discrete Laplace proposals with t = ⌊σ⌋ + 1, accepted with
 * probability exp(−(|Y| − σ²/t)² / 2σ²).
 *
 * @example
 * sampleDiscreteGaussian(toRational(100 ** 2), createRandomSource()) // e.g. -37n
 */
export function sampleDiscreteGaussian(sigma2: Rational, random: RandomSource): bigint {
  if (sigma2.n <= 0n || sigma2.d <= 0n) throw new FlError("The discrete Gaussian needs σ² > 0.");
  const { n: p, d: q } = sigma2;
  const t = floorSqrt(sigma2) + 1n;
  for (;;) {
    const y = discreteLaplace(t, random);
    const abs = y < 0n ? -y : y;
    // (|y| − p/(q·t))² / (2p/q) = (|y|·q·t − p)² / (2·p·q·t²)
    const diff = abs * q * t - p;
    if (bernoulliExpNeg({ n: diff * diff, d: 2n * p * q * t * t }, random)) return y;
  }
}

/**
 * `length` independent samples of N_Z(0, σ²) as numbers (exact while |x| < 2^53, i.e. always for any σ the int32
 * range allows).
 *
 * @example
 * const noise = discreteGaussianVector(30, 4096, createRandomSource())
 */
export function discreteGaussianVector(length: number, sigma: number, random: RandomSource): Float64Array {
  const sigma2 = toRational(sigma * sigma);
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) out[k] = Number(sampleDiscreteGaussian(sigma2, random));
  return out;
}
