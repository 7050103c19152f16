// Internal: from decrypted slots (v_i / bound_i summed over the contributors) back to the pooled statistics, with
// the checks that catch a wrong key, a corrupt sum or an overflow.
import { FheError } from "../errors.ts";
import { statisticBounds, statisticName, statisticsOffsets } from "../../ml/statisticsLayout.ts";
import type { StatisticsHeader } from "./header.ts";

/**
 * Publication grid: every pooled entry is rounded to a multiple of 2^-50 of its per-contribution bound. Raw CKKS
 * decryptions carry the ciphertext noise, a function of the secret key (Li & Micciancio 2021): in single-key mode
 * it is below 2^-60 of the bound at scale 2^79, so the rounding removes it (committee mode: the members' smudging
 * noise, up to ~2^-49·contributions, is what hides it). Cost: at most 2^-51·bound (featureBound 8, maxRows 10^4:
 * Σxx's bound 6.4e5 → 3e-10 absolute, ~1e-13 relative on a 10^4-row sum).
 */
export const PUBLICATION_GRID_BITS = 50;

/**
 * The pooled statistics of decrypted slots `slots[c]` (one Float64Array per ciphertext). `tolerance` is the largest
 * decryption error expected on a normalized slot (CKKS noise; plus smudging in committee mode). Refuses values that
 * cannot come from the contributors: a normalized entry beyond the number of contributions, a negative count or
 * square sum, a count that is not an integer, non-zero padding slots.
 */
export function pooledStatistics(header: StatisticsHeader, slots: readonly Float64Array[], tolerance: number): Float64Array {
  const { layout, entries, slotsPerCiphertext } = header;
  const contributions = header.contributors.length;
  const bounds = statisticBounds(layout);
  const o = statisticsOffsets(layout);
  const blockLength = layout.kind === "classification" ? o.length / layout.classes : o.length;
  const wrong = (what: string): never => {
    throw new FheError(
      `These decrypted statistics cannot be right: ${what}; the file is corrupt, was summed wrongly, or the key ` +
        "(or a decryption share) does not belong to it.",
    );
  };
  const out = new Float64Array(entries);
  for (let c = 0; c < slots.length; c++) {
    for (let s = 0; s < slotsPerCiphertext; s++) {
      const i = c * slotsPerCiphertext + s;
      const u = slots[c][s];
      if (i >= entries) {
        if (!(Math.abs(u) <= tolerance)) wrong(`padding slot ${s} of ciphertext ${c} holds ${u}, not 0`);
        continue;
      }
      if (!(Math.abs(u) <= contributions + tolerance)) {
        wrong(`${statisticName(layout, i)} is ${u} times its bound, beyond the ${contributions} contributions`);
      }
      const within = i % blockLength;
      const grid = bounds[i] * 2 ** -PUBLICATION_GRID_BITS;
      let value = Math.round((u * bounds[i]) / grid) * grid;
      if (within === o.count || (layout.kind === "regression" && within === o.sumYY)) {
        if (u < -tolerance) wrong(`${statisticName(layout, i)} is negative (${u * bounds[i]})`);
        value = Math.max(0, value);
      }
      if (within === o.count) {
        const n = Math.round(value);
        if (Math.abs(value - n) > 1e-3) wrong(`${statisticName(layout, i)} is ${value}, not a row count`);
        value = n;
      }
      out[i] = value;
    }
  }
  return out;
}
