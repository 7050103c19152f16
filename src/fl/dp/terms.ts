// The DP terms as the contract records them (createDpTask / getDpTerms): fixed point, so the spec, the chain and
// the indexer agree on the exact values ε is computed from.
import { FlError } from "../errors.ts";
import type { DpTerms } from "./distributedDp.ts";

/** The contract's DpTerms: noise multiplier × 1e6, δ × 1e18; zeros mean no DP. */
export type DpTermsOnChain = { noiseMultiplierE6: number; deltaE18: bigint };

/**
 * A spec's DP terms in the contract's fixed point (refuses values the fixed point cannot carry exactly enough).
 *
 * @example
 * dpTermsOnChain({ noiseMultiplier: 1.2, delta: 1e-5 }) // { noiseMultiplierE6: 1200000, deltaE18: 10000000000000n }
 */
export function dpTermsOnChain(dp: DpTerms): DpTermsOnChain {
  const noiseMultiplierE6 = Math.round(dp.noiseMultiplier * 1e6);
  // δ via its decimal text: 1e-5 × 1e18 in floating point is 10000000000000.002.
  const [mantissa, exponent = "0"] = dp.delta.toExponential().split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  const shift = 18 + Number(exponent) - fraction.length;
  if (shift < 0) throw new FlError(`δ ${dp.delta} has more than 18 decimals: the contract records δ × 1e18.`);
  const deltaE18 = BigInt(whole + fraction) * 10n ** BigInt(shift);
  if (noiseMultiplierE6 < 1 || Math.abs(noiseMultiplierE6 / 1e6 - dp.noiseMultiplier) > 1e-12)
    throw new FlError(`The noise multiplier ${dp.noiseMultiplier} has more than 6 decimals: the contract records it × 1e6.`);
  return { noiseMultiplierE6, deltaE18 };
}

/**
 * The DP terms a task records on chain, as spec-style numbers (undefined: the task has no DP).
 *
 * @example
 * dpTermsFromChain({ noiseMultiplierE6: 1200000, deltaE18: 10n ** 13n }) // { noiseMultiplier: 1.2, delta: 1e-5 }
 */
export function dpTermsFromChain(onChain: DpTermsOnChain): DpTerms | undefined {
  if (onChain.noiseMultiplierE6 === 0) return undefined;
  return { noiseMultiplier: onChain.noiseMultiplierE6 / 1e6, delta: Number(onChain.deltaE18) / 1e18 };
}

/**
 * Why a spec's DP terms do not match those on chain (a node must not train under terms the task did not promise),
 * or undefined when they match (both absent counts as a match).
 *
 * @example
 * dpTermsMismatch(spec.dp, await readDpTerms(ctx, taskId))
 */
export function dpTermsMismatch(dp: DpTerms | undefined, onChain: DpTermsOnChain): string | undefined {
  if (!dp && onChain.noiseMultiplierE6 === 0) return undefined;
  if (!dp) return "the task's DP terms are on chain but its model spec has none";
  if (onChain.noiseMultiplierE6 === 0) return "the model spec asks for DP but the task was created without DP terms";
  const mine = dpTermsOnChain(dp);
  if (mine.noiseMultiplierE6 !== onChain.noiseMultiplierE6 || mine.deltaE18 !== onChain.deltaE18)
    return `the model spec's DP terms (noise multiplier ${dp.noiseMultiplier}, δ ${dp.delta}) differ from the chain's (${onChain.noiseMultiplierE6 / 1e6}, ${Number(onChain.deltaE18) / 1e18})`;
  return undefined;
}
