import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { saPublicKey } from "../../../src/fl/index.ts";
import { loadOrCreateNodeKey, nodeDir, selectFeatures, toE6 } from "../../../src/fl/runner/index.ts";

describe("fl runner helpers", () => {
  it("creates the node key once with mode 0600 and reloads the same key", async () => {
    const home = await mkdtemp(path.join(tmpdir(), "2pm-runner-"));
    try {
      const dir = nodeDir(home, 7n, "0xAbCdEf0000000000000000000000000000000001");
      assert.equal(dir, path.join(home, "node", "7", "0xabcdef0000000000000000000000000000000001"));
      const first = await loadOrCreateNodeKey(dir);
      assert.equal(first.created, true);
      assert.equal((await stat(first.file)).mode & 0o777, 0o600);
      assert.equal(saPublicKey(first.keys.secretKey), first.keys.publicKey);
      const again = await loadOrCreateNodeKey(dir);
      assert.equal(again.created, false);
      assert.deepEqual(again.keys, first.keys);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("selects the spec's features in spec order and refuses missing columns or other classes", () => {
    const table = {
      columns: ["a", "b", "c"],
      features: { rows: 2, cols: 3, data: Float64Array.from([1, 2, 3, 4, 5, 6]) },
      labels: Int32Array.from([0, 1]),
      classes: ["x", "y"],
    };
    const t = selectFeatures({ features: ["c", "a"], classes: ["x", "y"] }, table);
    assert.deepEqual([...t.features.data], [3, 1, 6, 4]);
    assert.equal(t.features.cols, 2);
    assert.throws(() => selectFeatures({ features: ["d"], classes: ["x", "y"] }, table), /no standardized column 'd'/);
    assert.throws(() => selectFeatures({ features: ["a"], classes: ["y", "x"] }, table), /classes/);
  });

  it("converts metrics to the uint32 ×1e6 of finalizeRound, saturating", () => {
    assert.equal(toE6(0.9876543), 987_654);
    assert.equal(toE6(-1), 0);
    assert.equal(toE6(Number.NaN), 0);
    assert.equal(toE6(1e9), 2 ** 32 - 1);
  });
});
