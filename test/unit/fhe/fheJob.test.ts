import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FHE_JOB_FORMAT, FheTaskError, fheJob, fheJobSchema, parseLinearModel } from "../../../src/fhe/runner/fheTask.ts";
import { canonicalJson } from "../../../src/storage/index.ts";

describe("FHE job spec", () => {
  it("builds a job with defaults, deduplicated ops, and round-trips through canonical JSON", () => {
    const job = fheJob({ ops: ["mean", "variance", "mean"] });
    assert.deepEqual(job, { format: FHE_JOB_FORMAT, ops: ["mean", "variance"], decimals: 6 });
    assert.deepEqual(fheJobSchema.parse(JSON.parse(canonicalJson(job))), job);
  });

  it("needs a model for scores and refuses unknown ops and bad decimals", () => {
    assert.throws(() => fheJob({ ops: ["scores"] }), (e) => e instanceof FheTaskError && /scores" needs a model/.test(e.shortMessage));
    assert.throws(() => fheJob({ ops: ["median"] }), FheTaskError);
    assert.throws(() => fheJob({ ops: ["sum"], decimals: 9 }), FheTaskError);
    const job = fheJob({ ops: ["scores"], model: { weights: [[1, 2], [3, 4]], bias: [0, 1] } });
    assert.deepEqual(job.model, { weights: [[1, 2], [3, 4]], bias: [0, 1] });
  });

  it("reads a linear model file's JSON, ignoring other fields", () => {
    assert.deepEqual(parseLinearModel({ weights: [0.5, -1], bias: 0.1, note: "LR" }), { weights: [0.5, -1], bias: 0.1 });
    for (const bad of [null, {}, { weights: [] , bias: 0 }, { weights: [1, "x"], bias: 0 }, { weights: [1], bias: Number.NaN }])
      assert.throws(() => parseLinearModel(bad), FheTaskError);
  });
});
