import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadRows, splitBy, trainTestSplit } from "../../../src/data/index.ts";

describe("splitBy", () => {
  test("penguins by Island: three federated nodes, in order of first appearance", async () => {
    const rows = await loadRows("node_modules/vega-datasets/data/penguins.json");
    const groups = splitBy(rows, "Island");
    assert.deepEqual([...groups].map(([k, v]) => [k, v.length]), [["Torgersen", 52], ["Biscoe", 168], ["Dream", 124]]);
    assert.ok(groups.get("Dream")!.every((r) => r.Island === "Dream"));
  });

  test("numbers and missing values become string keys", () => {
    const groups = splitBy([{ g: 1 }, { g: "1" }, { g: null }, {}], "g");
    assert.deepEqual([...groups.keys()], ["1", ""]);
    assert.equal(groups.get("1")!.length, 2);
  });
});

describe("trainTestSplit", () => {
  const rows = Array.from({ length: 101 }, (_, i) => ({ i }));

  test("deterministic for a seed, sizes by rounding, parts disjoint and in original order", () => {
    const a = trainTestSplit(rows, { testFraction: 0.2, seed: 42 });
    const b = trainTestSplit(rows, { testFraction: 0.2, seed: 42 });
    assert.deepEqual(a, b);
    assert.equal(a.test.length, 20);
    assert.equal(a.train.length, 81);
    const all = [...a.train, ...a.test].map((r) => r.i).sort((x, y) => x - y);
    assert.deepEqual(all, rows.map((r) => r.i));
    for (const part of [a.train, a.test]) assert.ok(part.every((r, k) => k === 0 || part[k - 1].i < r.i));
  });

  test("different seeds pick different rows; 0 and 1 are allowed", () => {
    const a = trainTestSplit(rows, { testFraction: 0.3, seed: 1 }).test.map((r) => r.i);
    const b = trainTestSplit(rows, { testFraction: 0.3, seed: 2 }).test.map((r) => r.i);
    assert.notDeepEqual(a, b);
    assert.equal(trainTestSplit(rows, { testFraction: 0, seed: 1 }).test.length, 0);
    assert.equal(trainTestSplit(rows, { testFraction: 1, seed: 1 }).train.length, 0);
  });

  test("bad parameters are refused", () => {
    assert.throws(() => trainTestSplit(rows, { testFraction: 1.5, seed: 1 }), /testFraction must be between 0 and 1/);
    assert.throws(() => trainTestSplit(rows, { testFraction: 0.5, seed: 0.5 }), /seed must be an integer/);
  });
});
