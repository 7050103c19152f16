import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Address } from "viem";
import {
  computePayouts,
  serializePayoutTable,
  type FlRewardInputs,
  type PayoutTable,
  type RewardInputs,
} from "../../../src/rewards/index.ts";
import { addr, fheInputsArb, flInputsArb, leafOf, sharesOf, shuffle } from "./helpers.ts";

const RUNS = { numRuns: 150 };

function assertConservation(inputs: RewardInputs, table: PayoutTable): void {
  const pool = inputs.budget + inputs.slashed;
  assert.equal(table.pool, pool);
  assert.equal(table.computePool + table.dataPool, pool);
  const sum = table.leaves.reduce((a, l) => a + l.amount, 0n);
  assert.equal(sum, pool, "Σ leaves must equal budget + slashed exactly");
  assert.equal(table.total, pool);
  for (const leaf of table.leaves) {
    assert.equal(typeof leaf.amount, "bigint");
    assert.ok(leaf.amount > 0n, `leaf ${leaf.account} must be positive`);
  }
  for (const share of table.shares) assert.ok(share.amount >= 0n);
  assert.ok(table.remainder >= 0n);
  for (let i = 1; i < table.leaves.length; i++) {
    assert.ok(table.leaves[i - 1].account < table.leaves[i].account, "leaves sorted by address, one per account");
  }
}

describe("computePayouts properties", () => {
  it("conserves the pool exactly with positive integer leaves (FL)", () => {
    fc.assert(
      fc.property(flInputsArb, (inputs) => assertConservation(inputs, computePayouts(inputs))),
      RUNS,
    );
  });

  it("conserves the pool exactly with positive integer leaves (FHE)", () => {
    fc.assert(
      fc.property(fheInputsArb, (inputs) => assertConservation(inputs, computePayouts(inputs))),
      RUNS,
    );
  });

  it("ignores the order of rounds and of updates, and the case of addresses", () => {
    fc.assert(
      fc.property(flInputsArb, fc.integer(), (inputs, seed) => {
        const permuted: FlRewardInputs = {
          ...inputs,
          creator: inputs.creator.toUpperCase().replace("0X", "0x") as Address,
          rounds: shuffle(inputs.rounds, seed).map((r, i) => ({
            round: r.round,
            updates: shuffle(r.updates, seed + i + 1).map((u) => ({
              ...u,
              node: u.node.toUpperCase().replace("0X", "0x") as Address,
            })),
          })),
        };
        assert.equal(serializePayoutTable(computePayouts(permuted)), serializePayoutTable(computePayouts(inputs)));
      }),
      RUNS,
    );
  });

  it("never pays a node less for more samples, other things equal", () => {
    const withUpdate = flInputsArb.filter((i) => i.rounds.some((r) => r.updates.length > 0));
    fc.assert(
      fc.property(withUpdate, fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 10_000n }), (inputs, ri, ui, extra) => {
        const rounds = inputs.rounds.filter((r) => r.updates.length > 0);
        const round = rounds[ri % rounds.length];
        const target = round.updates[ui % round.updates.length];
        const more: FlRewardInputs = {
          ...inputs,
          rounds: inputs.rounds.map((r) =>
            r !== round ? r : { ...r, updates: r.updates.map((u) => (u === target ? { ...u, samples: u.samples + extra } : u)) },
          ),
        };
        const before = computePayouts(inputs);
        const after = computePayouts(more);
        assert.ok(sharesOf(after, target.node) >= sharesOf(before, target.node));
      }),
      RUNS,
    );
  });

  it("adds slashed stakes to the pool: pool grows by exactly slashed and no share shrinks", () => {
    fc.assert(
      fc.property(flInputsArb, fc.bigInt({ min: 1n, max: 10n ** 24n }), (inputs, slashed) => {
        const base = computePayouts({ ...inputs, slashed: 0n });
        const withSlash = computePayouts({ ...inputs, slashed });
        assert.equal(withSlash.pool - base.pool, slashed);
        assert.equal(withSlash.total - base.total, slashed);
        assert.equal(withSlash.shares.length, base.shares.length);
        withSlash.shares.forEach((s, i) => assert.ok(s.amount >= base.shares[i].amount));
      }),
      RUNS,
    );
  });

  it("gives an FHE compute node exactly C when it owns no dataset and is not the creator", () => {
    const arb = fheInputsArb.filter(
      (i) => i.fhe.computeNode !== i.creator && i.fhe.datasets.every((d) => d.datasetOwner !== i.fhe.computeNode),
    );
    fc.assert(
      fc.property(arb, (inputs) => {
        const table = computePayouts(inputs);
        assert.equal(leafOf(table, inputs.fhe.computeNode), table.computePool);
        // The datasets share D by rows; only floors go back to the creator.
        const data = table.shares.filter((s) => s.kind === "data").reduce((a, s) => a + s.amount, 0n);
        const rows = inputs.fhe.datasets.reduce((a, d) => a + d.rows, 0n);
        if (rows > 0n) assert.ok(table.dataPool - data < BigInt(inputs.fhe.datasets.length) + 1n);
        else assert.equal(data, 0n);
      }),
      RUNS,
    );
  });

  it("makes data rounds lose value faster than compute rounds when γd < γc", () => {
    // Decays as the contract accepts them: 1..10000 bps, here γd < γc.
    const arb = fc.record({
      nodes: fc.integer({ min: 1, max: 5 }),
      rounds: fc.integer({ min: 2, max: 6 }),
      gc: fc.integer({ min: 2, max: 10_000 }),
      gap: fc.integer({ min: 1, max: 9_999 }),
      share: fc.integer({ min: 1, max: 9_999 }),
    });
    fc.assert(
      fc.property(arb, ({ nodes, rounds, gc, gap, share }) => {
        const gd = Math.max(1, gc - gap);
        const updates = Array.from({ length: nodes }, (_, i) => ({
          node: addr(i + 1),
          samples: 100n,
          datasetId: BigInt(i),
          datasetOwner: addr(i + 1),
          rows: 100n,
          labelHistogram: [10 + i, 20, 30],
        }));
        const table = computePayouts({
          kind: "FL",
          taskId: 1n,
          creator: addr(99),
          budget: 10n ** 24n,
          slashed: 0n,
          dataShareBps: share,
          computeDecayBps: gc,
          dataDecayBps: gd,
          rounds: Array.from({ length: rounds }, (_, r) => ({ round: r + 1, updates })),
        });
        const first = table.rounds[0];
        const last = table.rounds[rounds - 1];
        // Exactly, on the round weights: b_last / b_first < a_last / a_first.
        assert.ok(last.dataFactor * first.computeFactor < last.computeFactor * first.dataFactor);
        // On the floored round pools X = ⌊x⌋ etc., x/x1 < y/y1 gives X·Y1 <= x·y1 < y·x1 < (Y + 1)·(X1 + 1): with
        // extreme decays a late round's pools floor to zero, so the strict comparison only holds up to one unit.
        assert.ok(last.dataPool * first.computePool < (last.computePool + 1n) * (first.dataPool + 1n));
      }),
      RUNS,
    );
  });

  it("pays a dataset with a flipped (poisoned) label histogram less than the same dataset clean, never zero", () => {
    const arb = fc.record({
      histogram: fc.array(fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 1000 }), fc.nat({ max: 100_000 })), {
        minLength: 2,
        maxLength: 6,
      }),
      others: fc.integer({ min: 2, max: 6 }),
      rounds: fc.integer({ min: 1, max: 3 }),
    });
    const valid = arb.filter(
      ({ histogram }) => histogram.some((c) => c > 0) && histogram.join() !== [...histogram].reverse().join(),
    );
    fc.assert(
      fc.property(valid, ({ histogram, others, rounds }) => {
        const rows = BigInt(histogram.reduce((a, b) => a + b, 0));
        const run = (target: number[]) => {
          const updates = Array.from({ length: others + 1 }, (_, i) => ({
            node: addr(i + 1),
            samples: rows,
            datasetId: BigInt(i),
            datasetOwner: addr(i + 1),
            rows,
            labelHistogram: i === 0 ? target : histogram,
          }));
          return computePayouts({
            kind: "FL",
            taskId: 1n,
            creator: addr(99),
            budget: 10n ** 24n,
            slashed: 0n,
            dataShareBps: 3000,
            computeDecayBps: 9500,
            dataDecayBps: 7000,
            rounds: Array.from({ length: rounds }, (_, r) => ({ round: r + 1, updates })),
          });
        };
        const dataOf = (t: PayoutTable) =>
          t.shares.filter((s) => s.kind === "data" && s.account === addr(1)).reduce((a, s) => a + s.amount, 0n);
        const clean = dataOf(run(histogram));
        const poisoned = dataOf(run([...histogram].reverse()));
        assert.ok(poisoned < clean, `poisoned ${poisoned} should be < clean ${clean}`);
        assert.ok(poisoned > 0n);
      }),
      RUNS,
    );
  });
});
