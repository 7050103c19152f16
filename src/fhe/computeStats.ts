// The compute node's path. It gets ciphertexts and EVALUATION keys only: nothing in this file can decrypt.
import type { Ciphertext, Encryptor, GaloisKeys, Plaintext, RelinKeys } from "node-seal";
import { buildContainer } from "./container.ts";
import { assertUsable } from "./createFheContext.ts";
import type { FheContext } from "./createFheContext.ts";
import { packCiphertext } from "./ciphertextCodec.ts";
import { assertKey, assertParams, loadCiphertext } from "./checks.ts";
import { FheError, FheKeyMismatchError } from "./errors.ts";
import { layoutOf, openFhed } from "./fhedHeader.ts";
import type { FhedHeader } from "./fhedHeader.ts";
import { computeKeyId } from "./generateKeys.ts";
import { productLimit, scoreBound, valueLimit } from "./headroom.ts";
import { STAT_OPS } from "./resultHeader.ts";
import type { FherHeader, LinearModel, ResultEntry, StatOp } from "./resultHeader.ts";
import { SealScope, makeYielder, plainBytes, sealTry, withScope, withScopeAsync } from "./seal.ts";
import type { EvaluationKeys, OnProgress } from "./types.ts";

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
 * Computes statistics on encrypted data with evaluation keys only (no secret key exists in this code path) and
 * returns an encrypted result (`.fher` bytes) that only the key holder can decrypt with {@link decryptResult}.
 * Several `.fhed` files (same schema, same key) are combined: sums over all rows, scores concatenated.
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
  const needSums = ops.includes("sum") || ops.includes("mean") || ops.includes("variance");
  const needSquares = ops.includes("variance");
  const needScores = ops.includes("scores");
  const cols = first.columns.length;
  const model = needScores ? normalizeModel(options.model, cols) : null;
  if (needSquares || needScores) {
    const shallow = inputs.findIndex(({ header }) => header.ciphertextPrimes < 2);
    if (shallow >= 0) {
      throw new FheError(
        `Input ${shallow} has no multiplication level left (1 prime): only sums and means are possible.`,
      );
    }
  }

  const bounds = inputs.map(({ header }) => squaresBound(ctx, header));
  if (model) assertScoresFit(ctx, model, inputs.map(({ header }) => header), bounds);

  const { seal, evaluator } = ctx;
  const slots = ctx.slots;
  const entries: ResultEntry[] = [];
  const blobs: Uint8Array[] = [];
  const total = inputs.reduce((sum, { header }) => sum + header.ciphertexts, 0);
  let done = 0;
  const pause = makeYielder();
  const emit = (ct: Ciphertext, entry: ResultEntry): void => {
    const primes = ct.coeffModulusSize();
    blobs.push(
      sealTry("Serializing a result", () =>
        packCiphertext(
          ct.saveToArray(seal.ComprModeType.none) as Uint8Array,
          ctx.primeBits.slice(0, primes),
          () => ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array,
        ),
      ),
    );
    entries.push(entry);
  };

  await withScopeAsync(async (keep) => {
    const relin: RelinKeys | undefined = needSquares
      ? sealTry(
          "Loading the relinearization keys",
          () => {
            const keys = keep.add(new seal.RelinKeys());
            keys.loadFromArray(ctx.context, plainBytes(evalKeys.relinKeys));
            return keys;
          },
          "they do not match the CKKS parameters",
        )
      : undefined;
    const anyPacked = inputs.some(({ header }) => layoutOf(header).packed);
    const galois: GaloisKeys | undefined = needSums || (needScores && anyPacked)
      ? sealTry(
          "Loading the Galois keys",
          () => {
            const keys = keep.add(new seal.GaloisKeys());
            keys.loadFromArray(ctx.context, plainBytes(evalKeys.galoisKeys));
            return keys;
          },
          "they do not match the CKKS parameters",
        )
      : undefined;
    if (galois) {
      for (let step = 1; step < slots; step *= 2) {
        if (!galois.hasKey(galoisElement(step, ctx.params.polyModulusDegree))) {
          throw new FheError(
            `The Galois keys lack the rotation by ${step} that slot sums need; regenerate them with generateKeys().`,
          );
        }
      }
    }
    let encryptor: Encryptor | undefined;
    const publicEncryptor = (): Encryptor =>
      (encryptor ??= sealTry("Loading the public key", () => {
        const publicKey = keep.add(new seal.PublicKey());
        publicKey.loadFromArray(ctx.context, plainBytes(evalKeys.publicKey));
        return keep.add(new seal.Encryptor(ctx.context, publicKey));
      }));
    // Constant plaintexts (weights, biases) per level, encoded once.
    const constants = new Map<string, Plaintext | null>();
    const constant = (value: number, scale: number, primes: number): Plaintext | null => {
      const key = `${value}/${scale}/${primes}`;
      if (!constants.has(key)) {
        constants.set(
          key,
          sealTry("Encoding a constant", () => {
            const plain = keep.add(new seal.Plaintext());
            ctx.encoder.encode(new Float64Array(slots).fill(value), scale, plain);
            if (primes < ctx.primeBits.length) evaluator.plainModSwitchToInplace(plain, ctx.parmsIdFor(primes));
            // SEAL refuses to multiply by an all-zero plaintext ("transparent" result): callers skip those.
            return plain.isZero() ? null : plain;
          }),
        );
      }
      return constants.get(key) ?? null;
    };
    // w·x at scale Δ² (or undefined when every weight is zero) → rescaled, plus the bias; all-zero weights: the
    // bias alone, encrypted under the public key.
    const finishScore = (scope: SealScope, score: Ciphertext | undefined, o: number, primes: number): Ciphertext => {
      if (score) {
        evaluator.rescaleToNextInplace(score);
        const bias = model!.bias[o] === 0 ? null : constant(model!.bias[o], score.scale(), primes - 1);
        if (bias) evaluator.addPlainInplace(score, bias);
        return score;
      }
      const plain = constant(model!.bias[o], ctx.params.scale, primes - 1);
      const result = scope.add(new seal.Ciphertext());
      if (plain) publicEncryptor().encrypt(plain, result);
      else {
        const zero = scope.add(new seal.Plaintext());
        ctx.encoder.encode(new Float64Array(slots), ctx.params.scale, zero);
        evaluator.plainModSwitchToInplace(zero, ctx.parmsIdFor(primes - 1));
        publicEncryptor().encrypt(zero, result);
      }
      return result;
    };
    // Adds the rotations by from, 2·from, … below `to`: (1, slots) replicates the sum of all slots in every slot;
    // (1, B) leaves block j's sum in slot j·B; (B, slots) adds the blocks of width B slot by slot.
    const rotateSum = (scope: SealScope, ct: Ciphertext, from = 1, to = slots): void => {
      const rotated = scope.add(new seal.Ciphertext());
      for (let step = from; step < to; step *= 2) {
        evaluator.rotateVector(ct, step, galois!, rotated);
        evaluator.addInplace(ct, rotated);
      }
      scope.free(rotated);
    };

    for (const [d, { header, container }] of inputs.entries()) {
      const primes = header.ciphertextPrimes;
      const layout = layoutOf(header);
      if (layout.packed) {
        const { perCiphertext: per, blockSlots: block } = layout;
        withScope((scope) =>
          sealTry("Computing on ciphertexts", () => {
            const cts = Array.from({ length: header.ciphertexts }, (_, g) =>
              loadCiphertext(ctx, scope, container.blob(g), `input ${d}, ciphertext ${g}`, primes),
            );
            const width = (g: number) => Math.min(per, cols - g * per);
            if (needSums) {
              const target = sumPrimes(ctx, primes, header.rows, 1);
              for (const [g, ct] of cts.entries()) {
                const sum = scope.add(ct.copy());
                if (target < primes) evaluator.cipherModSwitchToInplace(sum, ctx.parmsIdFor(target));
                rotateSum(scope, sum, 1, block);
                emit(sum, { op: "sum", dataset: d, column: g * per, columns: width(g), blockSlots: block });
              }
            }
            if (needSquares) {
              for (const [g, ct] of cts.entries()) {
                const square = scope.add(new seal.Ciphertext());
                evaluator.square(ct, square);
                evaluator.relinearizeInplace(square, relin!);
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
        done += header.ciphertexts;
        onProgress?.(done, total);
        await pause();
        continue;
      }
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
                if (needSums) {
                  if (sums[c]) evaluator.addInplace(sums[c]!, ct);
                  else sums[c] = accScope.add(ct.copy());
                }
                if (needSquares) {
                  const square = scope.add(new seal.Ciphertext());
                  evaluator.square(ct, square);
                  evaluator.relinearizeInplace(square, relin!);
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
              if (needSquares && ((k + 1) % group === 0 || k === perColumn - 1)) {
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
          done += cols;
          onProgress?.(done, total);
          await pause();
        }
        if (needSums) {
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
          await pause();
        }
      } finally {
        accScope.dispose();
      }
    }
  });

  const header: FherHeader = {
    kind: "result",
    scheme: "ckks",
    params: { ...ctx.params, coeffModulusBits: [...ctx.params.coeffModulusBits] },
    keyId: evalKeys.keyId,
    schemaHash: first.schemaHash,
    columns: [...first.columns],
    rows: inputs.reduce((sum, { header }) => sum + header.rows, 0),
    slotsPerCiphertext: slots,
    datasets: inputs.map(({ header }: { header: FhedHeader }, d) => ({ rows: header.rows, ...bounds[d] })),
    ops,
    model,
    entries,
    ciphertexts: blobs.length,
  };
  return buildContainer("result", header, blobs);
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

/**
 * The fewest primes a column sum needs. The encryptor checked Σx² <= productLimit per group of blocks, so
 * |Σx| <= sqrt(rows · groups · limit) (Cauchy–Schwarz): primes the sum cannot need are dropped — smaller results,
 * and rotations at fewer primes are faster.
 */
function sumPrimes(ctx: FheContext, primes: number, rows: number, groups: number): number {
  const bound = Math.sqrt(rows * groups * productLimit(ctx, primes));
  let target = primes;
  while (target > 1 && valueLimit(ctx, target - 1) >= bound) target--;
  return target;
}

/** Σ_c w_c·x_c at scale Δ² (not yet rescaled), or undefined when every weight encodes to zero. */
function linearScore(
  ctx: FheContext,
  scope: SealScope,
  cts: readonly Ciphertext[],
  weights: readonly number[],
  primes: number,
  constant: (value: number, scale: number, primes: number) => Plaintext | null,
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

/** SEAL's Galois element for a left rotation by `step` in CKKS: 3^step mod 2N. */
function galoisElement(step: number, n: number): number {
  const m = 2 * n;
  let element = 1;
  for (let i = 0; i < step; i++) element = (element * 3) % m;
  return element;
}
