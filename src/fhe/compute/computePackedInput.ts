// computeStats on one input in the packed layout (several columns per ciphertext, each column a block of slots).
import type { Ciphertext } from "node-seal";
import { loadCiphertext } from "../checks.ts";
import { layoutOf } from "../fhedHeader.ts";
import { sumPrimes } from "../headroom.ts";
import { sealTry, withScope } from "../seal.ts";
import type { ComputeInput, ComputeNeeds } from "./checkInputs.ts";
import type { EvaluatorKit } from "./evaluatorKit.ts";

/**
 * Emits input `d`'s block sums (or hands them to `kit.pool` when several inputs are pooled), block sums of squares
 * and scores (all its ciphertexts are loaded at once: a packed input is small).
 *
 * @example
 * computePackedInput(kit, inputs[d], d, needs)
 */
export function computePackedInput(kit: EvaluatorKit, { header, container }: ComputeInput, d: number, needs: ComputeNeeds): void {
  const { ctx, model, rotateSum, emit, finishScore } = kit;
  const { seal, evaluator, slots } = ctx;
  const primes = header.ciphertextPrimes;
  const cols = header.columns.length;
  const { perCiphertext: per, blockSlots: block } = layoutOf(header);
  withScope((scope) =>
    sealTry("Computing on ciphertexts", () => {
      const cts = Array.from({ length: header.ciphertexts }, (_, g) =>
        loadCiphertext(ctx, scope, container.blob(g), `input ${d}, ciphertext ${g}`, primes),
      );
      const width = (g: number) => Math.min(per, cols - g * per);
      if (needs.sums && kit.pool) {
        for (const [g, ct] of cts.entries()) kit.pool.addPacked(g * per, width(g), block, ct);
      } else if (needs.sums) {
        const target = sumPrimes(ctx, primes, header.rows, 1);
        for (const [g, ct] of cts.entries()) {
          const sum = scope.add(ct.copy());
          if (target < primes) evaluator.cipherModSwitchToInplace(sum, ctx.parmsIdFor(target));
          rotateSum(scope, sum, 1, block);
          emit(sum, { op: "sum", dataset: d, column: g * per, columns: width(g), blockSlots: block });
        }
      }
      if (needs.squares) {
        for (const [g, ct] of cts.entries()) {
          const square = scope.add(new seal.Ciphertext());
          evaluator.square(ct, square);
          evaluator.relinearizeInplace(square, kit.relin!);
          evaluator.rescaleToNextInplace(square);
          rotateSum(scope, square, 1, block);
          emit(square, { op: "sumsq", dataset: d, column: g * per, group: 0, columns: width(g), blockSlots: block });
        }
      }
      if (model) {
        for (let o = 0; o < model.weights.length; o++) {
          // Weight w_c over column c's block, then the blocks added slot by slot: slot r holds Σ_c w_c·x_rc.
          let score: Ciphertext | undefined;
          const term = scope.add(new seal.Ciphertext());
          for (const [g, ct] of cts.entries()) {
            const weights = new Float64Array(slots);
            for (let j = 0; j < width(g); j++) weights.fill(model.weights[o][g * per + j], j * block, (j + 1) * block);
            if (weights.every((w) => w === 0)) continue;
            const plain = scope.add(new seal.Plaintext());
            ctx.encoder.encode(weights, ctx.params.scale, plain);
            if (primes < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(primes));
            if (plain.isZero()) continue;
            if (!score) evaluator.multiplyPlain(ct, plain, (score = scope.add(new seal.Ciphertext())));
            else {
              evaluator.multiplyPlain(ct, plain, term);
              evaluator.addInplace(score, term);
            }
          }
          if (score) rotateSum(scope, score, block, slots);
          emit(finishScore(scope, score, o, primes), { op: "score", dataset: d, output: o, block: 0 });
        }
      }
    }),
  );
}
