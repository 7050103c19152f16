import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { assertKey, assertParams, decryptValues, loadCiphertext, noiseError, secretKeyDecryptor } from "./checks.ts";
import { FheError } from "./errors.ts";
import { scoreBound } from "./headroom.ts";
import { openFher, POOLED } from "./resultHeader.ts";
import type { FherHeader, ResultDataset } from "./resultHeader.ts";
import { makeYielder, sealTry, withScope, withScopeAsync } from "./seal.ts";
import type { Matrix } from "../data/matrix.ts";
import type { OnProgress, SecretKeyMaterial } from "./types.ts";

/**
 * An empty block's sum decrypts to CKKS noise (~1e-7 here); a wrong key gives values spread over ±2^19 or more
 * (one 60-bit prime at scale 2^40), so it passes with a chance of ~1e-8 per block.
 */
const PACKED_ZERO_TOLERANCE = 1e-2;

/** Relative error allowed when checking results against their bounds (CKKS errors here are ~1e-7 relative). */
const ROUNDING = 1e-6;

/** Whether |value| <= bound, up to rounding and `noise`. */
const within = (value: number, bound: number, noise: number): boolean =>
  Math.abs(value) <= bound * (1 + ROUNDING) + ROUNDING + noise;

function impossible(problem: string): FheError {
  return new FheError(
    `This result cannot be right: ${problem}; the file is corrupt or its computation overflowed ` +
      "(CKKS overflow is silent).",
  );
}

export type DecryptResultReturnType = {
  header: FherHeader;
  columns: string[];
  rows: number;
  /** Σx per column (if "sum" was computed). */
  sums?: number[];
  /** Σx / rows per column (if "mean"). */
  means?: number[];
  /** Population variance Σx²/rows − mean² per column (if "variance"). */
  variances?: number[];
  /** rows × K matrix of linear scores w·x + b (if "scores"); apply the sigmoid/softmax yourself. */
  scores?: Matrix;
};

/**
 * Decrypts an encrypted result of {@link computeStats}. These are RAW CKKS decryptions: their low-order digits
 * carry noise that can leak the secret key, so publish only values passed through {@link roundForPublication}.
 *
 * `noise` is an absolute error per decrypted value to tolerate in the checks on top of CKKS rounding (0 for a
 * single key; a committee's combined decryption carries smudging noise).
 *
 * @example
 * const { means, variances } = await decryptResult(ctx, fher, keys);
 * const published = roundForPublication(means!, 4);
 */
export async function decryptResult(
  ctx: FheContext,
  bytes: Uint8Array,
  keys: SecretKeyMaterial,
  onProgress?: OnProgress,
  noise = 0,
): Promise<DecryptResultReturnType> {
  assertUsable(ctx);
  const { header, container } = openFher(bytes);
  assertKey("result", header.keyId, keys.keyId);
  assertParams("result", header.params, ctx);
  const cols = header.columns.length;
  const slots = ctx.slots;
  const outputs = header.model?.weights.length ?? 0;
  const sums = new Float64Array(cols);
  const sumsq = new Float64Array(cols);
  const scores = outputs > 0 ? new Float64Array(header.rows * outputs) : undefined;
  const firstRow = header.datasets.map((_, d) => header.datasets.slice(0, d).reduce((sum, x) => sum + x.rows, 0));
  // What the encryptor guaranteed (per dataset: Σx² <= limit per group of blocks, so |x| <= √limit) bounds every
  // total: |Σx| <= √(rows · Σx²) (Cauchy–Schwarz), 0 <= Σx² <= limit, |score| <= Σ|w|·√limit + |b|.
  // A pooled sum (dataset "all") is bounded by the inputs' bounds summed.
  const sumBound = ({ rows, sumOfSquaresLimit: limit, sumOfSquaresGroups: groups }: ResultDataset): number =>
    limit === undefined || groups === undefined ? Infinity : Math.sqrt(rows * groups * limit);
  const total = (entry: { op: "sum" | "sumsq"; dataset: number | typeof POOLED }, name: string, value: number): number => {
    const pooled = entry.dataset === POOLED;
    const dataset: ResultDataset = pooled ? { rows: header.rows } : header.datasets[entry.dataset as number];
    const { rows, sumOfSquaresLimit: limit, sumOfSquaresGroups: groups } = dataset;
    if (entry.op === "sumsq" && value < -ROUNDING * rows - noise) {
      throw impossible(`a sum of squares of column "${name}" is ${value}`);
    }
    const bound = pooled
      ? header.datasets.reduce((sum, d) => sum + sumBound(d), 0)
      : limit === undefined || groups === undefined ? Infinity
      : entry.op === "sum" ? sumBound(dataset) : limit;
    if (!Number.isFinite(bound)) return value;
    if (!within(value, bound, noise)) {
      throw impossible(
        `${entry.op === "sum" ? "the sum" : "a sum of squares"} of column "${name}" over ` +
          `${pooled ? "all datasets" : `dataset ${entry.dataset}`} is ${value}, beyond the ±${bound.toPrecision(6)} its ${rows} rows allow`,
      );
    }
    return value;
  };
  const pause = makeYielder();
  await withScopeAsync(async (outer) => {
    const decryptor = secretKeyDecryptor(ctx, outer, keys.secretKey);
    for (const [i, entry] of header.entries.entries()) {
      const values = withScope((scope) => {
        const ct = loadCiphertext(ctx, scope, container.blob(i), `result ciphertext ${i}`, undefined);
        return sealTry("Decrypting", () => decryptValues(ctx, scope, decryptor, ct));
      });
      if (entry.op === "score") {
        const rows = header.datasets[entry.dataset].rows;
        const start = entry.block * slots;
        const used = Math.min(slots, rows - start);
        if (used <= 0) throw noiseError("result");
        const limit = header.datasets[entry.dataset].sumOfSquaresLimit;
        const { weights, bias } = header.model!;
        const bound =
          limit === undefined ? Infinity : scoreBound(weights[entry.output], bias[entry.output], Math.sqrt(limit));
        for (let s = 0; s < used; s++) {
          if (!Number.isFinite(values[s])) throw noiseError("result");
          const row = firstRow[entry.dataset] + start + s;
          if (!within(values[s], bound, noise)) {
            throw impossible(
              `score ${entry.output} of row ${row} is ${values[s]}, beyond the ±${bound.toPrecision(6)} the model allows on this data`,
            );
          }
          scores![row * outputs + entry.output] = values[s];
        }
      } else if (entry.columns === undefined) {
        // A slot sum is replicated in every slot: slots that disagree mean a wrong key or an overflow.
        const value = values[0];
        const tolerance = 1e-4 * Math.max(1, Math.abs(value)) + 2 * noise;
        for (let s = 1; s < slots; s++) if (!(Math.abs(values[s] - value) <= tolerance)) throw noiseError("result");
        (entry.op === "sum" ? sums : sumsq)[entry.column] += total(entry, header.columns[entry.column], value);
      } else {
        // Packed: block j's sum sits in slot j·blockSlots; blocks past the columns summed zeros (at least one
        // exists), so anything else there means a wrong key or an overflow.
        const block = entry.blockSlots!;
        for (let j = entry.columns; j < slots / block; j++) {
          if (!(Math.abs(values[j * block]) <= PACKED_ZERO_TOLERANCE + noise)) throw noiseError("result");
        }
        for (let j = 0; j < entry.columns; j++) {
          const value = values[j * block];
          if (!Number.isFinite(value)) throw noiseError("result");
          const column = entry.column + j;
          (entry.op === "sum" ? sums : sumsq)[column] += total(entry, header.columns[column], value);
        }
      }
      onProgress?.(i + 1, header.ciphertexts);
      await pause();
    }
  });
  const result: DecryptResultReturnType = { header, columns: [...header.columns], rows: header.rows };
  const means = Array.from(sums, (sum) => sum / header.rows);
  if (header.ops.includes("sum")) result.sums = Array.from(sums);
  if (header.ops.includes("mean")) result.means = means;
  if (header.ops.includes("variance")) {
    // Clamp tiny negative values (CKKS noise on a constant column) to 0; beyond rounding, Σx² < (Σx)²/rows breaks
    // Cauchy–Schwarz: the numbers are wrong.
    result.variances = Array.from(sumsq, (sq, c) => {
      const variance = sq / header.rows - means[c] * means[c];
      if (variance < -ROUNDING * Math.max(1, sq / header.rows)) {
        throw impossible(`the variance of column "${header.columns[c]}" is ${variance} (negative beyond rounding)`);
      }
      return Math.max(0, variance);
    });
  }
  if (scores) result.scores = { rows: header.rows, cols: outputs, data: scores };
  return result;
}
