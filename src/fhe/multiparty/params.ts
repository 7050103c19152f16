// Committee-mode CKKS parameters and the size of the smudging noise (the argument is in docs/fhe.md, "Committee
// (threshold) mode").
import type { FheParams } from "../params.ts";
import { POOLED, type FherHeader } from "../resultHeader.ts";

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
 * Bound on the noise (per coefficient, infinity norm) of a fresh ciphertext encrypted with a committee public key of
 * up to 16 members, and of one rotation's key-switching: measured 2^6.5–2^7 for 5 members (test/unit/fhe/multiparty,
 * bench/fheCommittee.ts), about ×√n per member count; 2^10 leaves a margin of 4 or more for 16 members.
 */
export const FRESH_NOISE_BOUND = 2 ** 10;

/**
 * How many fresh noises computeStats adds up into result ciphertext `i` (the static noise estimate): a slot sum by
 * rotations adds one rotated copy per slot summed, of every block ciphertext added (the constant coefficient's
 * noise grows linearly with them: it is the trace); a score multiplies by the weights (Σ|w| + 1 for the rounding)
 * and, from a packed table, adds slots / blockSlots rotated copies; a pooled sum adds every input's. Bounds, not
 * estimates: linear where noises may add up in the worst case.
 */
export function noiseAmplification(header: FherHeader, i: number): number {
  const entry = header.entries[i];
  const slots = header.slotsPerCiphertext;
  if (entry.dataset === POOLED) {
    // Every input's contribution added. Replicated (column layouts only): the accumulators' blocks, then one slot
    // sum: slots × blocks. In slot 0: a packed input's block sum (blockSlots), cut out by a one-slot mask m —
    // ‖e·m‖∞ <= ‖e‖∞·‖m‖₁ <= √2·‖e‖∞ (Parseval on the canonical embedding: ‖m‖₂ = √(2/N)) — plus the rescale's
    // rounding (below one fresh noise) and at most log2(slots / blockSlots) rotations to slot 0; a column-layout
    // input's slot sum (slots × blocks) through the same mask.
    const inSlot = entry.op === "sum" && entry.blockSlots !== undefined;
    return header.datasets.reduce((sum, { rows, blockSlots }) => {
      if (blockSlots !== undefined) return sum + Math.SQRT2 * blockSlots + 1 + Math.log2(slots / blockSlots);
      const blocks = slots * Math.ceil(rows / slots);
      return sum + (inSlot ? Math.SQRT2 * blocks + 1 : blocks);
    }, 0);
  }
  const { rows } = header.datasets[entry.dataset];
  if (entry.op === "score") {
    const weights = header.model!.weights[entry.output].reduce((sum, w) => sum + Math.abs(w), 0) + 1;
    // A table of at most slots / 2 rows may be packed (blocks of a power of two >= rows): assume it is.
    return rows <= slots / 2 ? weights * (slots / 2 ** Math.ceil(Math.log2(rows))) : weights;
  }
  return entry.blockSlots !== undefined ? entry.blockSlots : slots * Math.ceil(rows / slots);
}

/**
 * Standard deviation of the Gaussian noise each member adds to its decryption share of result ciphertext `i`, per
 * coefficient: σ = √(12·τ)·2^(s/2)·t with τ = 1 query (a member shares a ciphertext once), s = 30 bits and
 * t = FRESH_NOISE_BOUND × noiseAmplification — OpenFHE's noise-flooding rule (CKKS_NOISE_FLOODING.md). Each member's
 * own noise must hide t on its own, because the other n − 1 members know theirs.
 */
export function smudgingSigma(header: FherHeader, i: number): number {
  return smudgingSigmaOf(noiseAmplification(header, i));
}

/** σ for a ciphertext holding `amplification` fresh noises (the rule of {@link smudgingSigma}, for any file kind). */
export function smudgingSigmaOf(amplification: number): number {
  return Math.sqrt(12) * 2 ** (STATISTICAL_SECURITY_BITS / 2) * FRESH_NOISE_BOUND * amplification;
}

/**
 * Largest error the smudging noise (σ per member) of `members` shares adds to a decoded value at scale `scale` in
 * ring N: the sum has standard deviation √members·σ per coefficient and √(N/2)·√members·σ / scale per slot; 7
 * standard deviations (a Gaussian exceeds that with probability ~3e-12 per slot).
 */
export function smudgingErrorBound(members: number, sigma: number, n: number, scale: number): number {
  return (7 * Math.sqrt(members) * sigma * Math.sqrt(n / 2)) / scale;
}
