import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  FheError,
  FheKeyMismatchError,
  computeStats,
  createFheContext,
  decryptResult,
  encryptTable,
  evaluationKeysOf,
  exportEvaluationKeys,
  generateKeys,
  importEvaluationKeys,
  readFhedHeader,
  readFherHeader,
  roundForPublication,
} from "../../../src/fhe/index.ts";
import type { FheContext, FheKeys, Matrix } from "../../../src/fhe/index.ts";
import { SCHEMA_HASH, maxRelDiff, penguins, plainScores, plainStats, synthetic } from "./helpers.ts";

/** max |a − b| / max |b|: relative error for vectors that cross zero (scores). */
function relToScale(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return err / scale;
}

describe("computeStats / decryptResult", () => {
  let ctx: FheContext;
  let keys: FheKeys;
  before(async () => {
    ctx = await createFheContext();
    keys = generateKeys(ctx);
  });
  after(() => ctx.dispose());

  it("matches the plaintext sums, means, variances and logistic scores on penguins (raw units)", async () => {
    const { columns, features } = penguins();
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const weights = [[0.08, -0.6, 0.05, -0.002]];
    const bias = [1.5];
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), {
      ops: ["sum", "mean", "variance", "scores"],
      model: { weights: weights[0], bias: bias[0] },
    });
    const result = await decryptResult(ctx, fher, keys);
    const expected = plainStats(features);
    assert.equal(result.rows, 342);
    assert.ok(maxRelDiff(result.sums!, expected.sums) < 1e-4);
    assert.ok(maxRelDiff(result.means!, expected.means) < 1e-4);
    assert.ok(
      maxRelDiff(result.variances!, expected.variances) < 1e-4,
      `${maxRelDiff(result.variances!, expected.variances)}`,
    );
    assert.equal(result.scores!.rows, 342);
    assert.equal(result.scores!.cols, 1);
    const scores = plainScores(features, weights, bias);
    assert.ok(relToScale(result.scores!.data, scores) < 1e-4);
    // the logistic probability is applied after decryption
    const p = 1 / (1 + Math.exp(-result.scores!.data[0]));
    assert.ok(Math.abs(p - 1 / (1 + Math.exp(-scores[0]))) < 1e-6);
  });

  it("matches plaintext on 10,000 × 16 with a 3-class model (zero weights skipped), padding ignored", async () => {
    const { columns, features } = synthetic(10_000, 16);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const weights = [0, 1, 2].map((o) => Array.from({ length: 16 }, (_, c) => (c % 4 === o ? 0 : Math.sin(c + o))));
    const bias = [0.25, -1, 0];
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), {
      ops: ["mean", "variance", "scores"],
      model: { weights, bias },
    });
    const header = readFherHeader(fher);
    assert.deepEqual(header.ops, ["mean", "variance", "scores"]);
    assert.equal(header.entries.filter((e) => e.op === "score").length, 9);
    const result = await decryptResult(ctx, fher, keys);
    assert.equal(result.sums, undefined);
    const expected = plainStats(features);
    assert.ok(maxRelDiff(result.means!, expected.means) < 1e-4);
    assert.ok(maxRelDiff(result.variances!, expected.variances) < 1e-4);
    assert.equal(result.scores!.rows, 10_000);
    assert.equal(result.scores!.cols, 3);
    assert.ok(relToScale(result.scores!.data, plainScores(features, weights, bias)) < 1e-4);
  });

  it("computes on packed small tables (3 columns per ciphertext) next to a column-per-ciphertext one", async () => {
    const small = synthetic(600, 16, 3);
    const large = synthetic(5_000, 16, 9);
    const packed = await encryptTable(ctx, { ...small, keys, schemaHash: SCHEMA_HASH });
    assert.equal((await readFhedHeader(packed)).columnsPerCiphertext, 3);
    const unpacked = await encryptTable(ctx, { ...large, keys, schemaHash: SCHEMA_HASH });
    assert.equal((await readFhedHeader(unpacked)).columnsPerCiphertext, undefined);
    const weights = [0, 1, 2].map((o) => Array.from({ length: 16 }, (_, c) => (c % 3 === o ? 0 : Math.cos(c * (o + 1)))));
    const bias = [0, 0.5, -2];
    const fher = await computeStats(ctx, [packed, unpacked], evaluationKeysOf(keys), {
      ops: ["sum", "mean", "variance", "scores"],
      model: { weights, bias },
    });
    const result = await decryptResult(ctx, fher, keys);
    const both: Matrix = { rows: 5_600, cols: 16, data: Float64Array.from([...small.features.data, ...large.features.data]) };
    const expected = plainStats(both);
    assert.ok(maxRelDiff(result.sums!, expected.sums) < 1e-4);
    assert.ok(maxRelDiff(result.variances!, expected.variances) < 1e-4);
    assert.equal(result.scores!.rows, 5_600);
    assert.ok(relToScale(result.scores!.data, plainScores(both, weights, bias)) < 1e-4);
  });

  it("combines several datasets and groups squared sums to stay inside the CKKS headroom", async () => {
    // E[x²] ≈ 9.3 and 5.3: a block's Σx² ≈ 38k, so at most 3 blocks fit the compact headroom (2^17) together
    const rows = 24_000;
    const { features: base } = synthetic(rows, 2, 5);
    const scaled = {
      ...base,
      data: base.data.map((x, i) => (i % 2 === 0 ? 3 : -2) + 4 * (x - (i % 2 === 0 ? -0.125 : 0.125))),
    };
    const columns = ["a", "b"];
    const split = 20_000;
    const part = (from: number, to: number) => ({
      rows: to - from,
      cols: 2,
      data: scaled.data.slice(from * 2, to * 2),
    });
    const a = await encryptTable(ctx, { features: part(0, split), columns, keys, schemaHash: SCHEMA_HASH });
    const b = await encryptTable(ctx, { features: part(split, rows), columns, keys, schemaHash: SCHEMA_HASH });
    const headerA = await readFhedHeader(a);
    assert.equal(headerA.level, "compact");
    assert.ok(headerA.sumOfSquaresGroup >= 1 && headerA.sumOfSquaresGroup < headerA.ciphertextsPerColumn);
    const model = { weights: [0.5, -0.25], bias: 2 };
    const fher = await computeStats(ctx, [a, b], evaluationKeysOf(keys), { ops: ["sum", "variance", "scores"], model });
    const result = await decryptResult(ctx, fher, keys);
    const expected = plainStats(scaled);
    assert.equal(result.rows, rows);
    assert.ok(maxRelDiff(result.sums!, expected.sums) < 1e-4);
    assert.ok(maxRelDiff(result.variances!, expected.variances) < 1e-4);
    assert.ok(relToScale(result.scores!.data, plainScores(scaled, [model.weights], [model.bias])) < 1e-4);
  });

  it("gives the bias when every weight is zero (encrypted with the public key)", async () => {
    const { columns, features } = synthetic(300, 2);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), {
      ops: ["scores"],
      model: {
        weights: [
          [0, 0],
          [0, 0],
        ],
        bias: [-3, 0],
      },
    });
    const { scores } = await decryptResult(ctx, fher, keys);
    for (let r = 0; r < 300; r++) {
      assert.ok(Math.abs(scores!.data[2 * r] + 3) < 1e-6);
      assert.ok(Math.abs(scores!.data[2 * r + 1]) < 1e-6);
    }
  });

  it("runs on a compute node that only ever held the evaluation bundle", async () => {
    const { columns, features } = synthetic(2000, 3);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const bundle = exportEvaluationKeys(ctx, keys);
    // the node: a separate context, keys from the bundle only
    const node = await createFheContext();
    let fher: Uint8Array;
    try {
      const evalKeys = importEvaluationKeys(node, Buffer.from(bundle));
      assert.equal("secretKey" in evalKeys, false);
      fher = await computeStats(node, fhed, evalKeys, { ops: ["mean"] });
    } finally {
      node.dispose();
    }
    const { means } = await decryptResult(ctx, fher, keys);
    assert.ok(maxRelDiff(means!, plainStats(features).means) < 1e-4);
  });

  it("has no secret-key code path: computeStats takes no secret key and never touches SecretKey/Decryptor", async () => {
    const source = await readFile(new URL("../../../src/fhe/computeStats.ts", import.meta.url), "utf8");
    const code = source.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const forbidden of ["SecretKey", "secretKey", "Decryptor", "decrypt", "loadKeys"]) {
      assert.equal(code.includes(forbidden), false, `computeStats.ts mentions ${forbidden}`);
    }
    const params = code.slice(code.indexOf("export async function computeStats(")).split(")")[0];
    assert.deepEqual(
      [...params.matchAll(/(\w+)\??:/g)].map((m) => m[1]),
      ["ctx", "fhed", "evalKeys", "options", "onProgress"],
    );
  });

  it("refuses evaluation keys of another key pair, and results decrypt only with the right key", async () => {
    const other = generateKeys(ctx);
    const { columns, features } = synthetic(100, 2);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    await assert.rejects(computeStats(ctx, fhed, evaluationKeysOf(other), { ops: ["sum"] }), (error: unknown) => {
      assert.ok(error instanceof FheKeyMismatchError);
      assert.equal(
        error.shortMessage,
        `This file (input 0) is encrypted under key ${keys.keyId}, not ${other.keyId}; use the matching key.`,
      );
      return true;
    });
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), { ops: ["sum", "variance"] });
    await assert.rejects(decryptResult(ctx, fher, other), /is encrypted under key/);
    // a mislabelled secret key (right keyId, wrong key) decrypts to noise, which is detected
    await assert.rejects(decryptResult(ctx, fher, { keyId: keys.keyId, secretKey: other.secretKey }), /gives noise/);
  });

  it("validates ops and the model", async () => {
    const { columns, features } = synthetic(50, 2);
    const fhed = await encryptTable(ctx, { features, columns, keys, schemaHash: SCHEMA_HASH });
    const evalKeys = evaluationKeysOf(keys);
    await assert.rejects(computeStats(ctx, fhed, evalKeys, { ops: [] }), /Unknown or empty ops/);
    await assert.rejects(computeStats(ctx, fhed, evalKeys, { ops: ["median" as "sum"] }), /Unknown or empty ops/);
    await assert.rejects(computeStats(ctx, fhed, evalKeys, { ops: ["scores"] }), /needs a model/);
    await assert.rejects(
      computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: [1], bias: 0 } }),
      /2 weights per output/,
    );
    await assert.rejects(
      computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model: { weights: [1, Number.NaN], bias: 0 } }),
      FheError,
    );
    const otherSchema = await encryptTable(ctx, { features, columns: ["p", "q"], keys, schemaHash: SCHEMA_HASH });
    await assert.rejects(
      computeStats(ctx, [fhed, otherSchema], evalKeys, { ops: ["sum"] }),
      /another schema or other columns/,
    );
  });
});

describe("roundForPublication", () => {
  it("rounds to the given decimals and refuses precision that keeps CKKS noise", () => {
    assert.deepEqual(roundForPublication([39.123456789, -0.00004, 2.5e-10, -17.98765], 4), [39.1235, 0, 0, -17.9877]);
    assert.deepEqual(roundForPublication(new Float64Array([1234.5678]), 0), [1235]);
    assert.throws(() => roundForPublication([1], 12), /0 to 8/);
    assert.throws(() => roundForPublication([1], 1.5), /0 to 8/);
    assert.throws(() => roundForPublication([Number.NaN], 2), /non-finite/);
  });

  it("maps two decryptions of the same value with different noise to the same published number", () => {
    const noisy = [5.43210000000091, 5.43209999999873];
    const [a, b] = roundForPublication(noisy, 6);
    assert.equal(a, b);
  });
});
