// The compute node's checks before any ciphertext work: ops, key, parameters, one schema, depth, and a model whose
// scores cannot overflow. Nothing here touches a ciphertext.
import type { ParsedContainer } from "../container.ts";
import type { FheContext } from "../createFheContext.ts";
import { assertKey, assertParams } from "../checks.ts";
import { FheError, FheKeyMismatchError } from "../errors.ts";
import { layoutOf, openFhed, type FhedHeader } from "../fhedHeader.ts";
import { computeKeyId } from "../generateKeys.ts";
import { productLimit, scoreBound } from "../headroom.ts";
import { STAT_OPS, type LinearModel, type StatOp } from "../resultHeader.ts";
import type { EvaluationKeys } from "../types.ts";

export type ComputeStatsOptions = {
  /** What to compute: column sums, means, (population) variances, and/or linear scores w·x + b per row. */
  ops: readonly StatOp[];
  /**
   * Plaintext linear model for "scores": one weight per column (binary logistic regression: the logit) or one
   * row of weights per class (multinomial: the K logits), and the bias(es). The sigmoid/softmax is NOT applied:
   * with [60,40,40,60] a ciphertext has at most 2 multiplications left, the score takes 1, and a useful sigmoid
   * polynomial (degree 3) needs 2 more — apply it after decryption.
   */
  model?: { weights: readonly number[] | readonly (readonly number[])[]; bias: number | readonly number[] };
};

export type ComputeInput = { header: FhedHeader; container: ParsedContainer };

/** What the ops need: slot sums (sum, mean, variance), sums of squares (variance), linear scores. */
export type ComputeNeeds = { sums: boolean; squares: boolean; scores: boolean };

export type CheckedCompute = {
  inputs: ComputeInput[];
  ops: StatOp[];
  needs: ComputeNeeds;
  model: LinearModel | null;
  /** Per input: the Σx² bound the encryptor guaranteed (undefined without a multiplication level). */
  bounds: ({ sumOfSquaresLimit: number; sumOfSquaresGroups: number } | undefined)[];
};

/**
 * Opens the `.fhed` inputs and checks everything computeStats relies on, so no ciphertext work starts on inputs it
 * would have to refuse halfway.
 *
 * @example
 * const { inputs, needs, model } = checkComputeInputs(ctx, [fhed], evalKeys, { ops: ["mean"] })
 */
export function checkComputeInputs(
  ctx: FheContext,
  fhed: Uint8Array | readonly Uint8Array[],
  evalKeys: EvaluationKeys,
  options: ComputeStatsOptions,
): CheckedCompute {
  const inputs = (fhed instanceof Uint8Array ? [fhed] : [...fhed]).map((bytes) => openFhed(bytes));
  if (inputs.length === 0) throw new FheError("computeStats needs at least one .fhed file.");
  const ops = [...new Set(options?.ops ?? [])];
  if (ops.length === 0 || ops.some((op) => !STAT_OPS.includes(op))) {
    throw new FheError(`Unknown or empty ops [${ops.join(", ")}]: choose from ${STAT_OPS.join(", ")}.`);
  }
  if (computeKeyId(evalKeys.publicKey) !== evalKeys.keyId) {
    throw new FheKeyMismatchError(
      `The evaluation keys are inconsistent: the public key does not hash to ${evalKeys.keyId}.`,
    );
  }
  const first = inputs[0].header;
  for (const [i, { header }] of inputs.entries()) {
    assertKey(`file (input ${i})`, header.keyId, evalKeys.keyId);
    assertParams(`file (input ${i})`, header.params, ctx);
    if (header.schemaHash !== first.schemaHash || header.columns.join("\u0000") !== first.columns.join("\u0000")) {
      throw new FheError(
        `Input ${i} has another schema or other columns than input 0; compute on one schema at a time.`,
      );
    }
  }
  const needs: ComputeNeeds = {
    sums: ops.includes("sum") || ops.includes("mean") || ops.includes("variance"),
    squares: ops.includes("variance"),
    scores: ops.includes("scores"),
  };
  const model = needs.scores ? normalizeModel(options.model, first.columns.length) : null;
  if (needs.squares || needs.scores) {
    const shallow = inputs.findIndex(({ header }) => header.ciphertextPrimes < 2);
    if (shallow >= 0) {
      throw new FheError(
        `Input ${shallow} has no multiplication level left (1 prime): only sums and means are possible.`,
      );
    }
  }
  const bounds = inputs.map(({ header }) => squaresBound(ctx, header));
  if (model) assertScoresFit(ctx, model, inputs.map(({ header }) => header), bounds);
  return { inputs, ops, needs, model, bounds };
}

function normalizeModel(model: ComputeStatsOptions["model"], cols: number): LinearModel {
  if (!model || !Array.isArray(model.weights)) throw new FheError('"scores" needs a model: { weights, bias }.');
  const weights = (
    model.weights.length > 0 && Array.isArray(model.weights[0])
      ? (model.weights as readonly (readonly number[])[])
      : [model.weights as readonly number[]]
  ).map((row) => [...row]);
  const bias = typeof model.bias === "number" ? [model.bias] : [...(model.bias ?? [])];
  if (weights.length === 0 || weights.some((row) => row.length !== cols)) {
    throw new FheError(`The model needs ${cols} weights per output (one per column).`);
  }
  if (bias.length !== weights.length)
    throw new FheError(`The model has ${weights.length} outputs but ${bias.length} biases.`);
  if ([...weights.flat(), ...bias].some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new FheError("The model's weights and biases must be finite numbers.");
  }
  return { weights, bias };
}

/**
 * What the encryptor guaranteed about a column of `header` (it refuses to encrypt otherwise): Σx² <= limit over each
 * of `groups` groups of blocks. Undefined for data without a multiplication level (only |x| was checked there).
 */
function squaresBound(
  ctx: FheContext,
  header: FhedHeader,
): { sumOfSquaresLimit: number; sumOfSquaresGroups: number } | undefined {
  if (header.ciphertextPrimes < 2) return undefined;
  const groups = layoutOf(header).packed ? 1 : Math.ceil(header.ciphertextsPerColumn / header.sumOfSquaresGroup);
  return { sumOfSquaresLimit: productLimit(ctx, header.ciphertextPrimes), sumOfSquaresGroups: groups };
}

/**
 * Refuses a model whose scores could overflow (CKKS overflow is silent garbage): every |x| <= √limit, so
 * |w·x + b| <= Σ|w_c|·√limit + |b|, which must stay within what the score ciphertext (one prime fewer) holds.
 */
function assertScoresFit(
  ctx: FheContext,
  model: LinearModel,
  headers: readonly FhedHeader[],
  bounds: readonly ({ sumOfSquaresLimit: number } | undefined)[],
): void {
  for (const [d, header] of headers.entries()) {
    const room = productLimit(ctx, header.ciphertextPrimes);
    const maxAbs = Math.sqrt(bounds[d]!.sumOfSquaresLimit);
    for (const [o, weights] of model.weights.entries()) {
      const reach = scoreBound(weights, model.bias[o], maxAbs);
      if (reach > room) {
        throw new FheError(
          `The model's scores could reach ±${reach.toPrecision(3)} on input ${d} ` +
            `(Σ|w|·${maxAbs.toPrecision(3)} + |bias|, output ${o}), beyond the ±${room} its ${header.level} ciphertexts ` +
            `hold without overflowing; use smaller weights` +
            `${header.level === "compact" ? ' or encrypt the data with level "full"' : ""}.`,
        );
      }
    }
  }
}
