// Results that cannot be right are refused: models that could overflow (before computing), and decryptions that
// break the bounds the encrypted data guarantees (ciphertexts swapped in from other results, under valid checksums).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildContainer, parseContainer } from "../../../src/fhe/container.ts";
import { computeStats, createFheContext, decryptResult, encryptTable, evaluationKeysOf, generateKeys } from "../../../src/fhe/index.ts";
import type { FheContext, FheKeys, Matrix } from "../../../src/fhe/index.ts";
import { SCHEMA_HASH, numericTable, plainScores, standardize, synthetic } from "./helpers.ts";

const constant = (rows: number, value: number): Matrix => ({ rows, cols: 1, data: new Float64Array(rows).fill(value) });

/** `target` with its blob `at` replaced by blob `from` of `source` (fresh checksums: the file is well-formed). */
function transplant(target: Uint8Array, at: number, source: Uint8Array, from: number): Uint8Array {
  const t = parseContainer(target, "result");
  const blobs = Array.from({ length: t.count }, (_, i) => t.blob(i));
  blobs[at] = parseContainer(source, "result").blob(from);
  return buildContainer("result", t.header, blobs);
}

describe("results that cannot be right", () => {
  let ctx: FheContext;
  let keys: FheKeys;
  before(async () => {
    ctx = await createFheContext();
    keys = generateKeys(ctx);
  });
  after(() => ctx.dispose());

  const encrypt = (features: Matrix, columns = ["x"]) =>
    encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH, packColumns: false });

  it("refuses, before computing, a model whose scores could overflow (weights 1e6 and 1e8 on standardized flights)", async () => {
    const { columns, features } = numericTable("flights-200k.json", ["delay", "distance", "time"], 8192);
    const std = standardize(features);
    const fhed = await encrypt(std, columns);
    const evalKeys = evaluationKeysOf(keys);
    for (const w of [1e6, 1e8]) {
      let progress = 0;
      await assert.rejects(
        computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: [w, 0.5, -0.5], bias: 0 } }, () => progress++),
        /^FheError: The model's scores could reach ±[0-9.e+]+ on input 0 .* beyond the ±131072 its compact ciphertexts hold without overflowing; use smaller weights or encrypt the data with level "full"\.$/,
      );
      assert.equal(progress, 0, "refused before any ciphertext was touched");
    }
    // Ordinary weights pass and decrypt to the plaintext scores.
    const model = { weights: [[1.5, 0.5, -0.5]], bias: [0.2] };
    const fher = await computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: model.weights[0], bias: 0.2 } });
    const { scores } = await decryptResult(ctx, fher, keys);
    const expected = plainScores(std, model.weights, model.bias);
    assert.ok(scores!.data.every((s, i) => Math.abs(s - expected[i]) < 1e-4), "scores match the plaintext");
  });

  it("refuses a negative variance beyond rounding (squares of another column swapped in)", async () => {
    const evalKeys = evaluationKeysOf(keys);
    const big = await computeStats(ctx, await encrypt(constant(4000, 0.9)), evalKeys, { ops: ["variance"] });
    const small = await computeStats(ctx, await encrypt(constant(4000, 0.1)), evalKeys, { ops: ["variance"] });
    const entries = parseContainer(big, "result").header as { entries: { op: string }[] };
    const squares = entries.entries.findIndex((e) => e.op === "sumsq");
    assert.deepEqual((await decryptResult(ctx, big, keys)).variances!.map((v) => Math.round(v * 1e6)), [0]);
    await assert.rejects(
      decryptResult(ctx, transplant(big, squares, small, squares), keys),
      /^FheError: This result cannot be right: the variance of column "x" is -0\.(8|7999)\d* \(negative beyond rounding\); the file is corrupt or its computation overflowed/,
    );
  });

  it("refuses a sum beyond the Cauchy–Schwarz bound of its rows (a 4,000-row sum in a 10-row result)", async () => {
    const evalKeys = evaluationKeysOf(keys);
    const large = await computeStats(ctx, await encrypt(constant(4000, 0.9)), evalKeys, { ops: ["mean"] });
    const tiny = await computeStats(ctx, await encrypt(constant(10, 0.9)), evalKeys, { ops: ["mean"] });
    assert.ok(Math.abs((await decryptResult(ctx, tiny, keys)).means![0] - 0.9) < 1e-6);
    // √(10 rows · 1 group · 2^17) = 1144.87; the swapped-in sum is 3,600.
    await assert.rejects(
      decryptResult(ctx, transplant(tiny, 0, large, 0), keys),
      /^FheError: This result cannot be right: the sum of column "x" over dataset 0 is 3(600|599)\.\d+, beyond the ±1144\.87 its 10 rows allow/,
    );
  });

  it("refuses scores beyond what the model allows on the data (scores of a 350× model swapped in)", async () => {
    const { columns, features } = synthetic(4000, 2);
    const fhed = await encrypt(standardize(features), columns);
    const evalKeys = evaluationKeysOf(keys);
    const small = await computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: [0.01, 0.01], bias: 0 } });
    const large = await computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: [350, 0], bias: 0 } });
    await decryptResult(ctx, large, keys); // within its own bound (350 · √2^17 < 2^17): accepted
    await assert.rejects(
      decryptResult(ctx, transplant(small, 0, large, 0), keys),
      /^FheError: This result cannot be right: score 0 of row \d+ is -?[0-9.]+, beyond the ±7\.24077 the model allows on this data/,
    );
  });
});
