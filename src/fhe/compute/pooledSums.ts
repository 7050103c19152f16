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
  /** The common number of primes every pooled sum ends at. */
  primes: number;
  /** Adds a column-layout input's Σ of column `column`'s block ciphertexts (scale Δ, any level above `primes`). */
  addColumn: (column: number, ct: Ciphertext) => void;
  /** Adds a packed input's ciphertext `ct` holding `width` columns from `column` on in blocks of `blockSlots`. */
  addPacked: (column: number, width: number, blockSlots: number, ct: Ciphertext) => void;
  /** Emits each column's pooled sum as `{ op: "sum", dataset: "all", column, … }`. */
  emit: () => void;
  dispose: () => void;
};

/**
 * Whether the pooled sums sit in slot 0 alone (some input is packed: its blocks are summed, each block's total cut out
 * by a one-slot mask and rotated to slot 0) rather than replicated in every slot (column layouts only: the
 * accumulators add before one slot sum, no mask, no level spent).
 */
export const pooledInSlot = (inputs: readonly ComputeInput[]): boolean => inputs.some(({ header }) => layoutOf(header).packed);

/**
 * The common level of the pooled sums: the fewest primes whose headroom holds Σ_d √(rows_d · groups_d · limit_d)
 * (Cauchy–Schwarz summed over the inputs), never above what every input can reach (a mask costs a prime). Refuses
 * before any ciphertext work when the pooled sum could overflow there.
 *
 * @example
 * const primes = pooledSumPrimes(ctx, inputs)
 */
export function pooledSumPrimes(ctx: FheContext, inputs: readonly ComputeInput[]): number {
  const masked = pooledInSlot(inputs);
  let bound = 0;
  let top = Infinity;
  for (const [d, { header }] of inputs.entries()) {
    const primes = header.ciphertextPrimes;
    if (masked && primes < 2) {
      throw new FheError(
        `Input ${d} has no multiplication level left (1 prime): its sums cannot be pooled with a packed input's; ` +
          'encrypt it with level "auto" or "full".',
      );
    }
    const groups = layoutOf(header).packed ? 1 : Math.ceil(header.ciphertextsPerColumn / header.sumOfSquaresGroup);
    bound += Math.sqrt(header.rows * groups * productLimit(ctx, primes)); // as sumPrimes: 0 without a product level
    top = Math.min(top, masked ? primes - 1 : primes);
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
 * Accumulators for the pooled sums of `columns` columns ending at `primes` primes (freed by `dispose`). In slot mode
 * each input's column total is cut out by a one-slot mask — one plaintext multiplication whose mask is encoded at the
 * scale of the prime the rescale drops, so the product is back at exactly Δ — and rotated to slot 0.
 *
 * @example
 * const pool = createPooledSums(kit, cols, pooledSumPrimes(ctx, inputs), pooledInSlot(inputs)); try { … pool.emit() } finally { pool.dispose() }
 */
export function createPooledSums(kit: EvaluatorKit, columns: number, primes: number, inSlot: boolean): PooledSums {
  const { ctx } = kit;
  const { seal, evaluator, slots } = ctx;
  const scope = new SealScope();
  const sums: (Ciphertext | undefined)[] = new Array(columns);
  const masks = new Map<number, Plaintext>();
  const add = (column: number, ct: Ciphertext): void => {
    if (ct.coeffModulusSize() > primes) evaluator.cipherModSwitchToInplace(ct, ctx.parmsIdFor(primes));
    if (sums[column]) evaluator.addInplace(sums[column]!, ct);
    else sums[column] = scope.add(ct.copy());
  };
  // 1 in slot `slot`, at `primes` + 1 primes, encoded at the scale of the prime a rescale from there drops.
  const mask = (slot: number): Plaintext => {
    if (!masks.has(slot)) {
      const level = primes + 1;
      const data = scope.add(ctx.context.getContextData(ctx.parmsIdFor(level)));
      const moduli = scope.add(scope.add(data.parms()).coeffModulus());
      const dropped = Number(scope.add(moduli.get(level - 1)!).value());
      const plain = scope.add(new seal.Plaintext());
      const values = new Float64Array(slots);
      values[slot] = 1;
      ctx.encoder.encode(values, dropped, plain);
      if (level < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(level));
      masks.set(slot, plain);
    }
    return masks.get(slot)!;
  };
  // Slot `slot`'s value alone, moved to slot 0 (left rotations by the powers of two of `slot`: keys exist for those).
  const cutOut = (work: SealScope, ct: Ciphertext, slot: number): Ciphertext => {
    const part = work.add(new seal.Ciphertext());
    evaluator.multiplyPlain(ct, mask(slot), part);
    evaluator.rescaleToNextInplace(part);
    for (let step = 1; step < slots; step *= 2) if (slot & step) evaluator.rotateVector(part, step, kit.galois!, part);
    return part;
  };
  const atMaskLevel = (ct: Ciphertext): void => {
    if (ct.coeffModulusSize() > primes + 1) evaluator.cipherModSwitchToInplace(ct, ctx.parmsIdFor(primes + 1));
  };
  const pooling = <T>(fn: (work: SealScope) => T): T =>
    sealTry("Pooling the sums", () => {
      const work = new SealScope();
      try {
        return fn(work);
      } finally {
        work.dispose();
      }
    });
  return {
    primes,
    addColumn: (column, ct) =>
      pooling((work) => {
        if (!inSlot) return add(column, ct);
        atMaskLevel(ct);
        kit.rotateSum(work, ct);
        add(column, cutOut(work, ct, 0));
      }),
    addPacked: (column, width, blockSlots, ct) =>
      pooling((work) => {
        // Block j's total lands in slot j·blockSlots.
        const sum = work.add(ct.copy());
        atMaskLevel(sum);
        kit.rotateSum(work, sum, 1, blockSlots);
        for (let j = 0; j < width; j++) add(column + j, cutOut(work, sum, j * blockSlots));
      }),
    emit: () =>
      pooling((work) => {
        for (let c = 0; c < columns; c++) {
          if (inSlot) kit.emit(sums[c]!, { op: "sum", dataset: POOLED, column: c, columns: 1, blockSlots: 1 });
          else {
            kit.rotateSum(work, sums[c]!);
            kit.emit(sums[c]!, { op: "sum", dataset: POOLED, column: c });
          }
        }
      }),
    dispose: () => scope.dispose(),
  };
}
