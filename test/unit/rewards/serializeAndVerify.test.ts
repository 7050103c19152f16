import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  computePayouts,
  parsePayoutTable,
  PayoutTableError,
  serializePayoutTable,
  verifyPayoutTable,
  type PayoutTable,
} from "../../../src/rewards/index.ts";
import { fheInputsArb, flInputsArb } from "./helpers.ts";
import { workedExample } from "./helpers.ts";

describe("serializePayoutTable / parsePayoutTable", () => {
  it("round-trips any table to the same value and the same bytes", () => {
    fc.assert(
      fc.property(fc.oneof(flInputsArb, fheInputsArb), (inputs) => {
        const table = computePayouts(inputs);
        const json = serializePayoutTable(table);
        const parsed = parsePayoutTable(json);
        assert.deepEqual(parsed, table);
        assert.equal(serializePayoutTable(parsed), json);
        assert.ok(verifyPayoutTable(table, parsed).ok);
      }),
      { numRuns: 80 },
    );
  });

  it("writes bigints as decimal strings", () => {
    const json = JSON.parse(serializePayoutTable(computePayouts(workedExample)));
    assert.equal(json.pool, "1000000");
    assert.equal(json.inputs.rounds[0].updates[0].samples, "100");
    assert.deepEqual(json.leaves[4], { account: "0x00000000000000000000000000000000000000ff", amount: "7" });
  });

  it("rejects malformed JSON with the path of the problem", () => {
    const json = JSON.parse(serializePayoutTable(computePayouts(workedExample)));
    assert.throws(() => parsePayoutTable("{"), /not valid JSON/);
    assert.throws(() => parsePayoutTable({ ...json, format: "2pm-payouts/2" }), /malformed at format/);
    json.leaves[0].amount = "-5";
    assert.throws(() => parsePayoutTable(json), (e: unknown) => {
      assert.ok(e instanceof PayoutTableError);
      assert.match(e.shortMessage, /malformed at leaves\.0\.amount/);
      return true;
    });
  });
});

describe("verifyPayoutTable", () => {
  const recomputed = computePayouts(workedExample);
  const copy = (): PayoutTable => parsePayoutTable(serializePayoutTable(recomputed));

  it("accepts an identical posted table and matching chain values", () => {
    assert.deepEqual(verifyPayoutTable(recomputed, copy()), { ok: true });
    assert.deepEqual(verifyPayoutTable(recomputed, { root: recomputed.root, total: recomputed.total }), { ok: true });
  });

  it("names the first differing leaf by account", () => {
    const posted = copy();
    posted.leaves[2] = { ...posted.leaves[2], amount: posted.leaves[2].amount + 1n };
    posted.leaves[3] = { ...posted.leaves[3], amount: posted.leaves[3].amount - 1n };
    assert.deepEqual(verifyPayoutTable(recomputed, posted), {
      ok: false,
      firstDifference: { field: "leaf", account: recomputed.leaves[2].account, expected: "200215", actual: "200216" },
    });
  });

  it("names a missing leaf", () => {
    const posted = copy();
    posted.leaves.pop();
    const result = verifyPayoutTable(recomputed, posted);
    assert.ok(!result.ok);
    assert.deepEqual(result.firstDifference, {
      field: "leaf",
      account: recomputed.leaves[4].account,
      expected: "7",
      actual: null,
    });
  });

  it("names the root, the total, or a changed input", () => {
    const badRoot = { ...copy(), root: `0x${"ab".repeat(32)}` as const };
    assert.deepEqual(verifyPayoutTable(recomputed, badRoot), {
      ok: false,
      firstDifference: { field: "root", expected: recomputed.root, actual: badRoot.root },
    });
    assert.deepEqual(verifyPayoutTable(recomputed, { root: recomputed.root, total: 1n }), {
      ok: false,
      firstDifference: { field: "total", expected: "1000000", actual: "1" },
    });
    const json = JSON.parse(serializePayoutTable(recomputed));
    json.inputs.rounds[1].updates[2].samples = "99";
    assert.deepEqual(verifyPayoutTable(recomputed, parsePayoutTable(json)), {
      ok: false,
      firstDifference: { field: "inputs.rounds[1].updates[2].samples", expected: "100", actual: "99" },
    });
  });

  it("catches a posted table computed from other inputs", () => {
    const other = computePayouts({ ...workedExample, dataDecayBps: 9000 });
    const result = verifyPayoutTable(recomputed, other);
    assert.ok(!result.ok);
    assert.equal(result.firstDifference.field, "leaf");
  });
});
