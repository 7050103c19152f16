import { FP_ONE, FRAC_BITS, lnRatioFixed, toDecimalFixed } from "./fixedPoint.ts";
import type { UpdateContribution } from "./types.ts";

/** 1.0 for q and KL as published in the payout table (1e18 fixed point). */
export const Q_ONE = 10n ** 18n;

/** Quality of one dataset in one round. `kl` is undefined when the dataset has no label histogram (q = 1). */
export type DataQuality = { kl?: bigint; q: bigint };

/** Caches reused across the rounds of one task (datasets repeat from round to round). */
export type QualityCache = {
  /** ln(x) of integers, internal fixed point. */
  lnInt: Map<bigint, bigint>;
  /** Σ_k (c_k+1)·ln((c_k+1)/(n+K)) per histogram (keyed by its JSON), internal fixed point. */
  selfTerm: Map<string, bigint>;
};

/** Creates an empty cache for {@link roundQualities}. */
export function createQualityCache(): QualityCache {
  return { lnInt: new Map(), selfTerm: new Map() };
}

function lnInt(cache: QualityCache, x: bigint): bigint {
  let value = cache.lnInt.get(x);
  if (value === undefined) {
    value = lnRatioFixed(x, 1n);
    cache.lnInt.set(x, value);
  }
  return value;
}

/**
 * q_i = 1/(1+KL(P_i‖P)) for each update's dataset in one round, in the updates' order.
 *
 * P_i(k) = (c_ik + 1)/(n_i + K) (Laplace smoothing, n_i = Σ_k c_ik); P = Σ_i rows_i·P_i / Σ_i rows_i over the
 * round's datasets that have a histogram. All in the 2^-128 fixed point of fixedPoint.ts:
 *   P(k)  = Σ_i trunc(rows_i·(c_ik+1)·2^128/(n_i+K)) / (Σ_i rows_i · 2^128), ln P(k) by lnRatioFixed,
 *   KL_i  = trunc(Σ_k (c_ik+1)·(ln(c_ik+1) − ln(n_i+K) − ln P(k)) / (n_i+K)), clamped at 0,
 *   q_i   = floor(1e18 · 2^128 / (2^128 + KL_i)),  kl_i = floor(KL_i · 1e18 / 2^128).
 * Datasets without a histogram get q = 1e18 and no kl. If the histogram datasets have no rows at all, P is
 * undefined and they get q = 1e18 too (their weight rows·q is 0 anyway).
 * @example
 * roundQualities(round.updates, createQualityCache()) // [{ kl: 0n, q: 10n ** 18n }, …]
 */
export function roundQualities(updates: readonly UpdateContribution[], cache: QualityCache): DataQuality[] {
  const withHistogram = updates.filter((u) => u.labelHistogram !== undefined);
  let totalRows = 0n;
  for (const u of withHistogram) totalRows += u.rows;
  if (withHistogram.length === 0 || totalRows === 0n) return updates.map(() => ({ q: Q_ONE }));

  const classes = withHistogram[0].labelHistogram!.length;
  const K = BigInt(classes);
  const pooled = new Array<bigint>(classes).fill(0n);
  for (const u of withHistogram) {
    if (u.rows === 0n) continue;
    const h = u.labelHistogram!;
    const denominator = sum(h) + K;
    for (let k = 0; k < classes; k++) pooled[k] += (u.rows * (BigInt(h[k]) + 1n) << FRAC_BITS) / denominator;
  }
  const poolDenominator = totalRows << FRAC_BITS;
  const lnPooled = pooled.map((p) => lnRatioFixed(p, poolDenominator));

  return updates.map((u) => {
    const h = u.labelHistogram;
    if (h === undefined) return { q: Q_ONE };
    const counts = h.map((c) => BigInt(c) + 1n);
    const denominator = sum(h) + K;
    const key = h.join(",");
    let self = cache.selfTerm.get(key);
    if (self === undefined) {
      const lnDenominator = lnInt(cache, denominator);
      self = 0n;
      for (const c of counts) self += c * (lnInt(cache, c) - lnDenominator);
      cache.selfTerm.set(key, self);
    }
    let cross = 0n;
    for (let k = 0; k < classes; k++) cross += counts[k] * lnPooled[k];
    let kl = (self - cross) / denominator;
    if (kl < 0n) kl = 0n; // KL >= 0; truncation can leave a few units of 2^-128 below it
    return { kl: toDecimalFixed(kl, 18), q: (Q_ONE << FRAC_BITS) / (FP_ONE + kl) };
  });
}

function sum(values: readonly number[]): bigint {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return total;
}
