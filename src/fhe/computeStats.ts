// The compute node's path. It gets ciphertexts and EVALUATION keys only: nothing in this file (or in ./compute/) can
// decrypt. The steps: check the inputs → load the evaluation keys → compute each input (packed or column layout) →
// build the encrypted result.
import { buildContainer } from "./container.ts";
import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { layoutOf } from "./fhedHeader.ts";
import type { FherHeader } from "./resultHeader.ts";
import { makeYielder, withScopeAsync } from "./seal.ts";
import type { EvaluationKeys, OnProgress } from "./types.ts";
import { checkComputeInputs, type ComputeStatsOptions } from "./compute/checkInputs.ts";
import { computeColumnInput } from "./compute/computeColumnInput.ts";
import { computePackedInput } from "./compute/computePackedInput.ts";
import { createEvaluatorKit } from "./compute/evaluatorKit.ts";
import { createPooledSums, pooledInSlot, pooledSumPrimes } from "./compute/pooledSums.ts";

export type { ComputeStatsOptions };

/**
 * Computes statistics on encrypted data with evaluation keys only (no secret key exists in this code path) and
 * returns an encrypted result (`.fher` bytes) that only the key holder can decrypt with {@link decryptResult}.
 * Several `.fhed` files (same schema, same key) are combined: sums POOLED over all rows (the inputs' ciphertexts are
 * added before the result is written: one ciphertext per column, `dataset: "all"`), sums of squares per input and
 * group, scores concatenated.
 *
 * @example
 * const fher = await computeStats(ctx, fhed, evalKeys, {
 *   ops: ["mean", "variance", "scores"],
 *   model: { weights: [0.4, -1.2, 0.7], bias: 0.1 },
 * });
 */
export async function computeStats(
  ctx: FheContext,
  fhed: Uint8Array | readonly Uint8Array[],
  evalKeys: EvaluationKeys,
  options: ComputeStatsOptions,
  onProgress?: OnProgress,
): Promise<Uint8Array> {
  assertUsable(ctx);
  const { inputs, ops, needs, model, bounds } = checkComputeInputs(ctx, fhed, evalKeys, options);
  // Several inputs: sums are pooled (one ciphertext per column over all inputs); one input keeps version 1's layout.
  const pooled = inputs.length > 1;
  const poolPrimes = pooled && needs.sums ? pooledSumPrimes(ctx, inputs) : undefined;
  const total = inputs.reduce((sum, { header }) => sum + header.ciphertexts, 0);
  let done = 0;
  const pause = makeYielder();
  const progress = {
    advance: async (n: number) => {
      done += n;
      onProgress?.(done, total);
      await pause();
    },
    pause,
  };

  const kit = await withScopeAsync(async (keep) => {
    const anyPacked = inputs.some(({ header }) => layoutOf(header).packed);
    // (Galois keys: packed inputs rotate for their scores; pooled sums rotate too, so `needs.sums` loads them.)
    const kit = createEvaluatorKit(ctx, keep, evalKeys, needs, model, anyPacked);
    if (poolPrimes !== undefined) kit.pool = createPooledSums(kit, inputs[0].header.columns.length, poolPrimes, pooledInSlot(inputs));
    try {
      for (const [d, input] of inputs.entries()) {
        if (layoutOf(input.header).packed) {
          computePackedInput(kit, input, d, needs);
          await progress.advance(input.header.ciphertexts);
        } else {
          await computeColumnInput(kit, input, d, needs, progress);
        }
      }
      kit.pool?.emit();
    } finally {
      kit.pool?.dispose();
    }
    return kit;
  });

  const first = inputs[0].header;
  const header: FherHeader = {
    kind: "result",
    ...(pooled ? { version: 2 as const } : {}),
    scheme: "ckks",
    params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
    keyId: evalKeys.keyId,
    schemaHash: first.schemaHash,
    columns: [...first.columns],
    rows: inputs.reduce((sum, { header }) => sum + header.rows, 0),
    slotsPerCiphertext: ctx.slots,
    datasets: inputs.map(({ header }, d) => {
      const { packed, blockSlots } = layoutOf(header);
      return { rows: header.rows, ...bounds[d], ...(pooled && packed ? { blockSlots } : {}) };
    }),
    ops,
    model,
    entries: kit.entries,
    ciphertexts: kit.blobs.length,
  };
  return buildContainer("result", header, kit.blobs);
}
