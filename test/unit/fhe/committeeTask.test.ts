// The committee task's rules (src/fhe/runner/committee/committeeTask.ts) with real node-seal and a real 2-member
// committee: the contributors' x/x² layout, what the compute node computes for a job, that a member recomputing
// the job gets the compute node's result byte for byte (what `fhe share` relies on), and the published values.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { computeStats, createFheContext, encryptTable, type FheContext } from "../../../src/fhe/index.ts";
import { COMMITTEE_FHE_PARAMS, combineDecryptionShares, readCommitteeKeys, shareDecryption, writeMemberState } from "../../../src/fhe/multiparty/index.ts";
import { baseColumns, committeeComputeOptions, committeePublishedValues, withSquareColumns } from "../../../src/fhe/runner/committee/committeeTask.ts";
import { fheJob } from "../../../src/fhe/runner/fheTask.ts";
import { FheTaskError } from "../../../src/fhe/runner/fheTask.ts";
import { SCHEMA_HASH, plainStats, synthetic } from "./helpers.ts";
import { makeCommittee, type Committee } from "./multipartyHelpers.ts";

describe("committee task rules", () => {
  let ctx: FheContext;
  let committee: Committee;
  let dir: string;

  before(async () => {
    ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
    committee = makeCommittee(ctx, 2);
    dir = await mkdtemp(join(tmpdir(), "2pm-committee-task-"));
  });
  after(async () => {
    ctx?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("contributors lay out x then x^2 per column; any other layout is refused by name", () => {
    const { features, columns } = withSquareColumns({ rows: 2, cols: 2, data: Float64Array.from([1, -2, 3, 0.5]) }, ["a", "b"]);
    assert.deepEqual(columns, ["a", "b", "a^2", "b^2"]);
    assert.deepEqual(Array.from(features.data), [1, -2, 1, 4, 3, 0.5, 9, 0.25]);
    assert.deepEqual(baseColumns(columns), ["a", "b"]);
    assert.throws(() => baseColumns(["a", "b"]), (e: unknown) => e instanceof FheTaskError && /not a committee layout/.test((e as Error).message));
  });

  it("a job's variance becomes means of x and x²; a model gets zero weights for the x² columns", () => {
    const columns = ["a", "b", "a^2", "b^2"];
    assert.deepEqual(committeeComputeOptions(fheJob({ ops: ["sum", "variance"] }), columns), { ops: ["sum", "mean"] });
    const scored = committeeComputeOptions(fheJob({ ops: ["scores"], model: { weights: [0.5, -1], bias: 0.1 } }), columns);
    assert.deepEqual(scored, { ops: ["scores"], model: { weights: [0.5, -1, 0, 0], bias: 0.1 } });
  });

  it("a member's recomputation equals the compute node's result byte for byte, another job's does not; the shares give the published statistics", async () => {
    const { features, columns } = synthetic(300, 3);
    const laid = withSquareColumns(features, columns);
    const { evaluationKeys } = readCommitteeKeys(ctx, committee.committeeKeys);
    const fhed = await encryptTable(ctx, { ...laid, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
    const job = fheJob({ ops: ["sum", "mean", "variance"], decimals: 4 });
    const options = committeeComputeOptions(job, laid.columns);
    const computed = await computeStats(ctx, fhed, evaluationKeys, options);
    const recomputed = await computeStats(ctx, fhed, evaluationKeys, options);
    assert.ok(Buffer.from(computed).equals(Buffer.from(recomputed)), "computeStats is deterministic for the same inputs and keys");
    const other = await computeStats(ctx, fhed, evaluationKeys, committeeComputeOptions(fheJob({ ops: ["sum"] }), laid.columns));
    assert.ok(!Buffer.from(other).equals(Buffer.from(computed)), "another job gives another result");

    const shares = [];
    for (const [i, m] of committee.members.entries()) {
      const statePath = join(dir, `member-${i}.state`);
      await writeMemberState(statePath, m.state);
      shares.push(await shareDecryption(ctx, { statePath, committeeKeys: committee.committeeKeys, result: computed }));
    }
    const raw = await combineDecryptionShares(ctx, { result: computed, committeeKeys: committee.committeeKeys, shares });
    const published = committeePublishedValues(raw, job);
    const expected = plainStats(features);
    assert.deepEqual(published.columns, columns);
    assert.equal(published.sums!.length, 3);
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(published.sums![c] - expected.sums[c]) < 0.05, `sum ${c}: ${published.sums![c]} vs ${expected.sums[c]}`);
      assert.ok(Math.abs(published.means![c] - expected.means[c]) < 2e-4, `mean ${c}`);
      assert.ok(Math.abs(published.variances![c] - expected.variances[c]) < 2e-4, `variance ${c}: ${published.variances![c]} vs ${expected.variances[c]}`);
    }
    // Re-deriving from the same shares gives the same publication (what `fhe verify` compares).
    const again = committeePublishedValues(await combineDecryptionShares(ctx, { result: computed, committeeKeys: committee.committeeKeys, shares }), job);
    assert.deepEqual(again, published);
  });
});
