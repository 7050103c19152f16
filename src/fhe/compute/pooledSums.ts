// Pooled column sums over several inputs: each input's accumulator is brought to one common level and scale and
// added homomorphically, so the result holds one Σx ciphertext per column over all inputs — whoever decrypts it
// (a committee's shares are public) learns the pooled sum only, never one contributor's.
import type { Ciphertext, Plaintext } from "node-seal";
import type { FheContext } from "../createFheContext.ts";
import { FheError } from "../errors.ts";
import { layoutOf } from "../fhedHeader.ts";
import { productLimit, valueLimit } from "../headroom.ts";
import { POOLED } from "../resultHeader.ts";
import { SealScope, sealTry } from "../seal.ts";
import type { ComputeInput } from "./checkInputs.ts";
import type { EvaluatorKit } from "./evaluatorKit.ts";

export type PooledSums = {
  /** The common number of primes every accumulator is switched to before it is added. */
  primes: number;
  /** Adds a column-layout input's Σ of column `column`'s block ciphertexts (scale Δ, any level >= primes). */
  addColumn: (column: number, ct: Ciphertext) => void;
  /**
   * Adds a packed input's ciphertext `ct` holding `width` columns from `column` on in blocks of `blockSlots`: each
   * block is cut out by a 0/1 mask (one multiplication: the mask is encoded at the scale of the prime the rescale
   * drops, so the product is back at exactly Δ) and added to its column's accumulator.
   */
  addPacked: (column: number, width: number, blockSlots: number, ct: Ciphertext) => void;
  /** Rotates each column's pooled sum into every slot and emits it as `{ op: "sum", dataset: "all", column }`. */
  emit: (kit: EvaluatorKit) => void;
  dispose: () => void;
};

/**
 * The common level of the pooled sums: the fewest primes whose headroom holds Σ_d √(rows_d · groups_d · limit_d)
 * (Cauchy–Schwarz summed over the inputs), never above what an input can reach (a packed input spends one prime on
 * its mask). Refuses before any ciphertext work when the pooled sum could overflow there.
 *
 * @example
 * const primes = pooledSumPrimes(ctx, inputs)
 */
export function pooledSumPrimes(ctx: FheContext, inputs: readonly ComputeInput[]): number {
  let bound = 0;
  let top = Infinity;
  for (const [d, { header }] of inputs.entries()) {
    const primes = header.ciphertextPrimes;
    const packed = layoutOf(header).packed;
    if (packed && primes < 2) {
      throw new FheError(
        `Input ${d} is packed with no multiplication level left (1 prime): its sums cannot be pooled with other ` +
          'inputs; encrypt it with level "auto" or "full".',
      );
    }
    const groups = packed ? 1 : Math.ceil(header.ciphertextsPerColumn / header.sumOfSquaresGroup);
    bound += Math.sqrt(header.rows * groups * productLimit(ctx, primes)); // as sumPrimes: 0 without a product level
    top = Math.min(top, packed ? primes - 1 : primes);
  }
  if (valueLimit(ctx, top) < bound) {
    throw new FheError(
      `The pooled sums of ${inputs.length} inputs could reach ±${bound.toPrecision(3)}, beyond the ±${valueLimit(ctx, top)} ` +
        `a ${top}-prime ciphertext holds without overflowing; compute on fewer inputs at a time or encrypt them with level "full".`,
    );
  }
  let primes = top;
  while (primes > 1 && valueLimit(ctx, primes - 1) >= bound) primes--;
  return primes;
}

/**
 * Accumulators for the pooled sums of `columns` columns at `primes` primes (freed by `dispose`).
 *
 * @example
 * const pool = createPooledSums(ctx, cols, pooledSumPrimes(ctx, inputs)); try { … pool.emit(kit) } finally { pool.dispose() }
 */
export function createPooledSums(ctx: FheContext, columns: number, primes: number): PooledSums {
  const { seal, evaluator, slots } = ctx;
  const scope = new SealScope();
  const sums: (Ciphertext | undefined)[] = new Array(columns);
  const masks = new Map<string, Plaintext>();
  const add = (column: number, ct: Ciphertext): void => {
    if (ct.coeffModulusSize() > primes) evaluator.cipherModSwitchToInplace(ct, ctx.parmsIdFor(primes));
    if (sums[column]) evaluator.addInplace(sums[column]!, ct);
    else sums[column] = scope.add(ct.copy());
  };
  // The 0/1 mask of block j at `level` primes, encoded at the scale of the prime a rescale from there drops.
  const mask = (j: number, blockSlots: number, level: number): Plaintext => {
    const key = `${j}/${blockSlots}/${level}`;
    if (!masks.has(key)) {
      const data = scope.add(ctx.context.getContextData(ctx.parmsIdFor(level)));
      const moduli = scope.add(scope.add(data.parms()).coeffModulus());
      const dropped = Number(scope.add(moduli.get(level - 1)!).value());
      const values = new Float64Array(slots).fill(1, j * blockSlots, (j + 1) * blockSlots);
      const plain = scope.add(new seal.Plaintext());
      ctx.encoder.encode(values, dropped, plain);
      if (level < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(level));
      masks.set(key, plain);
    }
    return masks.get(key)!;
  };
  return {
    primes,
    addColumn: (column, ct) => sealTry("Pooling the sums", () => add(column, ct)),
    addPacked: (column, width, blockSlots, ct) =>
      sealTry("Pooling the sums", () => {
        const level = ct.coeffModulusSize();
        const part = scope.add(new seal.Ciphertext());
        try {
          for (let j = 0; j < width; j++) {
            evaluator.multiplyPlain(ct, mask(j, blockSlots, level), part);
            evaluator.rescaleToNextInplace(part);
            add(column + j, part);
          }
        } finally {
          scope.free(part);
        }
      }),
    emit: (kit) =>
      sealTry("Summing slots", () => {
        const rotations = new SealScope();
        try {
          for (let c = 0; c < columns; c++) {
            kit.rotateSum(rotations, sums[c]!);
            kit.emit(sums[c]!, { op: "sum", dataset: POOLED, column: c });
          }
        } finally {
          rotations.dispose();
        }
      }),
    dispose: () => scope.dispose(),
  };
}
