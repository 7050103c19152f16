// computeStats on one input in the column layout (each column its own ciphertexts, rows across their slots).
import type { Ciphertext } from "node-seal";
import { loadCiphertext } from "../checks.ts";
import type { FheContext } from "../createFheContext.ts";
import { sumPrimes } from "../headroom.ts";
import { SealScope, sealTry, withScope } from "../seal.ts";
import type { ComputeInput, ComputeNeeds } from "./checkInputs.ts";
import type { EvaluatorKit } from "./evaluatorKit.ts";

/** Reports `n` more ciphertexts done and yields to the event loop; `pause` only yields. */
export type ComputeProgress = { advance: (n: number) => Promise<void>; pause: () => Promise<void> };

/**
 * Emits input `d`'s scores per block of rows, its sums of squares per group of blocks, and its column sums once all
 * blocks are added — or hands those to `kit.pool` when several inputs are pooled (accumulators live in their own
 * scope, freed whatever happens).
 *
 * @example
 * await computeColumnInput(kit, inputs[d], d, needs, progress)
 */
export async function computeColumnInput(kit: EvaluatorKit, { header, container }: ComputeInput, d: number, needs: ComputeNeeds, progress: ComputeProgress): Promise<void> {
  const { ctx, model, rotateSum, emit, finishScore, constant } = kit;
  const { seal, evaluator } = ctx;
  const primes = header.ciphertextPrimes;
  const cols = header.columns.length;
  const perColumn = header.ciphertextsPerColumn;
  const group = header.sumOfSquaresGroup;
  const accScope = new SealScope();
  try {
    const sums: (Ciphertext | undefined)[] = new Array(cols);
    let squares: (Ciphertext | undefined)[] = new Array(cols);
    for (let k = 0; k < perColumn; k++) {
      withScope((scope) =>
        sealTry("Computing on ciphertexts", () => {
          const cts = header.columns.map((name, c) =>
            loadCiphertext(
              ctx,
              scope,
              container.blob(c * perColumn + k),
              `input ${d}, ciphertext ${c * perColumn + k} (column "${name}")`,
              primes,
            ),
          );
          for (let c = 0; c < cols; c++) {
            const ct = cts[c];
            if (needs.sums) {
              if (sums[c]) evaluator.addInplace(sums[c]!, ct);
              else sums[c] = accScope.add(ct.copy());
            }
            if (needs.squares) {
              const square = scope.add(new seal.Ciphertext());
              evaluator.square(ct, square);
              evaluator.relinearizeInplace(square, kit.relin!);
              evaluator.rescaleToNextInplace(square);
              if (squares[c]) evaluator.addInplace(squares[c]!, square);
              else squares[c] = accScope.add(square.copy());
              scope.free(square);
            }
          }
          if (model) {
            for (let o = 0; o < model.weights.length; o++) {
              const score = linearScore(ctx, scope, cts, model.weights[o], primes, constant);
              emit(finishScore(scope, score, o, primes), { op: "score", dataset: d, output: o, block: k });
            }
          }
          if (needs.squares && ((k + 1) % group === 0 || k === perColumn - 1)) {
            const g = Math.floor(k / group);
            for (let c = 0; c < cols; c++) {
              rotateSum(scope, squares[c]!);
              emit(squares[c]!, { op: "sumsq", dataset: d, column: c, group: g });
              accScope.free(squares[c]);
            }
            squares = new Array(cols);
          }
        }),
      );
      await progress.advance(cols);
    }
    if (needs.sums && kit.pool) {
      for (let c = 0; c < cols; c++) {
        kit.pool.addColumn(c, sums[c]!);
        accScope.free(sums[c]);
      }
    } else if (needs.sums) {
      const target = sumPrimes(ctx, primes, header.rows, Math.ceil(perColumn / group));
      withScope((scope) =>
        sealTry("Summing slots", () => {
          for (let c = 0; c < cols; c++) {
            if (target < primes) evaluator.cipherModSwitchToInplace(sums[c]!, ctx.parmsIdFor(target));
            rotateSum(scope, sums[c]!);
            emit(sums[c]!, { op: "sum", dataset: d, column: c });
            accScope.free(sums[c]);
          }
        }),
      );
      await progress.pause();
    }
  } finally {
    accScope.dispose();
  }
}

/** Σ_c w_c·x_c at scale Δ² (not yet rescaled), or undefined when every weight encodes to zero. */
function linearScore(
  ctx: FheContext,
  scope: SealScope,
  cts: readonly Ciphertext[],
  weights: readonly number[],
  primes: number,
  constant: EvaluatorKit["constant"],
): Ciphertext | undefined {
  let acc: Ciphertext | undefined;
  const term = scope.add(new ctx.seal.Ciphertext());
  for (let c = 0; c < cts.length; c++) {
    const weight = weights[c] === 0 ? null : constant(weights[c], ctx.params.scale, primes);
    if (!weight) continue;
    if (!acc) {
      acc = scope.add(new ctx.seal.Ciphertext());
      ctx.evaluator.multiplyPlain(cts[c], weight, acc);
    } else {
      ctx.evaluator.multiplyPlain(cts[c], weight, term);
      ctx.evaluator.addInplace(acc, term);
    }
  }
  scope.free(term);
  return acc;
}
