// Results over several inputs: sums are pooled homomorphically (one ciphertext per column), so decrypting a result
// never reveals one input's own aggregate; version 1 results (one sum per input) still decrypt for a key holder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeStats, decryptResult, encryptTable, evaluationKeysOf, hasPerDatasetAggregates, POOLED } from "../../../src/fhe/index.ts";
import type { Matrix } from "../../../src/fhe/index.ts";
import { buildContainer } from "../../../src/fhe/container.ts";
import { openFher } from "../../../src/fhe/resultHeader.ts";
import { SCHEMA_HASH, fheFixture, maxAbsDiff, plainStats, synthetic, versionOneResult } from "./helpers.ts";

/** The rows [from, to) of a table. */
const rowsOf = (m: Matrix, from: number, to: number): Matrix => ({ rows: to - from, cols: m.cols, data: m.data.slice(from * m.cols, to * m.cols) });

describe("pooled results over several inputs (computeStats)", () => {
  const fixture = fheFixture("2pm-pooled-");
  // Three layouts: packed in blocks of 128 and of 64 slots, and one column per ciphertext.
  const table = synthetic(170, 3, 11).features;
  const parts = [rowsOf(table, 0, 100), rowsOf(table, 100, 140), rowsOf(table, 140, 170)];
  const columns = ["a", "b", "c"];
  const encryptParts = () =>
    Promise.all(
      parts.map((features, d) =>
        encryptTable(fixture.ctx, { features, columns, keys: fixture.keys, schemaHash: SCHEMA_HASH, packColumns: d < 2 }),
      ),
    );
  const ops = { ops: ["sum", "mean", "variance"] as const };

  it("writes one sum ciphertext per column over all inputs, deterministically, decrypting to the pooled statistics", async () => {
    const { ctx, keys } = fixture;
    const fhed = await encryptParts();
    const fher = await computeStats(ctx, fhed, evaluationKeysOf(keys), { ops: [...ops.ops] });
    const { header } = openFher(fher);
    assert.equal(header.version, 2);
    const sums = header.entries.filter((e) => e.op === "sum");
    // some input is packed: each pooled total sits in slot 0 of its own ciphertext (column layouts alone: replicated)
    assert.deepEqual(sums, columns.map((_, column) => ({ op: "sum", dataset: POOLED, column, columns: 1, blockSlots: 1 })));
    // Σx² stays per input and group (each group's bound fills its ciphertext's headroom, so two cannot be added
    // safely); it needs a relinearization key, i.e. single-key mode, whose key holder can decrypt the inputs anyway.
    assert.ok(header.entries.filter((e) => e.op === "sumsq").every((e) => typeof e.dataset === "number"));
    assert.equal(hasPerDatasetAggregates(header), true);
    const means = await computeStats(ctx, fhed, evaluationKeysOf(keys), { ops: ["sum", "mean"] });
    assert.equal(hasPerDatasetAggregates(openFher(means).header), false); // what a committee can decrypt
    assert.deepEqual(header.datasets.map((d) => d.blockSlots), [128, 64, undefined]);
    // the member's recompute-and-compare needs byte equality
    assert.deepEqual(await computeStats(ctx, fhed, evaluationKeysOf(keys), { ops: [...ops.ops] }), fher);

    const result = await decryptResult(ctx, fher, keys);
    const expected = plainStats(table);
    assert.equal(result.rows, 170);
    assert.ok(maxAbsDiff(result.sums!, expected.sums) < 1e-4, `sums ${result.sums} vs ${expected.sums}`);
    assert.ok(maxAbsDiff(result.means!, expected.means) < 1e-6);
    assert.ok(maxAbsDiff(result.variances!, expected.variances) < 1e-5);
  });

  it("still decrypts a version 1 result (one sum per input), which a committee member would decline", async () => {
    const { ctx, keys } = fixture;
    const fhed = await encryptParts();
    const singles = [];
    for (const one of fhed) singles.push(await computeStats(ctx, one, evaluationKeysOf(keys), { ops: [...ops.ops] }));
    const old = versionOneResult(singles);
    const { header } = openFher(old);
    assert.equal(header.version, undefined);
    assert.equal(header.entries.filter((e) => e.op === "sum").length, 1 + 1 + 3); // a packed input sums its 3 columns in one
    assert.equal(hasPerDatasetAggregates(header), true);
    const result = await decryptResult(ctx, old, keys);
    const expected = plainStats(table);
    assert.ok(maxAbsDiff(result.sums!, expected.sums) < 1e-4);
    assert.ok(maxAbsDiff(result.variances!, expected.variances) < 1e-5);
    // a pooled entry without the version, or a per-input sum in a version 2 header, is malformed
    const pooledV1 = buildContainer("result", { ...header, entries: header.entries.map((e) => (e.op === "sum" ? { ...e, dataset: POOLED } : e)) },
      Array.from({ length: header.ciphertexts }, (_, i) => openFher(old).container.blob(i)));
    assert.throws(() => openFher(pooledV1), /pooled sum needs version 2/);
    const perInputV2 = buildContainer("result", { ...header, version: 2 }, Array.from({ length: header.ciphertexts }, (_, i) => openFher(old).container.blob(i)));
    assert.throws(() => openFher(perInputV2), /version 2 sum is not pooled/);
  });
});
