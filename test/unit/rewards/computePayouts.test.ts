import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  computePayouts,
  InvalidRewardInputsError,
  Q_ONE,
  type FlRewardInputs,
  type UpdateContribution,
} from "../../../src/rewards/index.ts";
import { addr, leafOf, WORKED, workedExample } from "./helpers.ts";

const [A, B, C, D] = [WORKED.A, WORKED.B, WORKED.C, WORKED.D];
const CREATOR = WORKED.creator;

describe("computePayouts", () => {
  it("reproduces the worked example of docs/rewards.md exactly", () => {
    const t = computePayouts(workedExample);
    assert.equal(t.pool, 1_000_000n);
    assert.equal(t.dataPool, 300_000n);
    assert.equal(t.computePool, 700_000n);
    assert.deepEqual(
      t.rounds.map((r) => [r.round, r.computeFactor, r.dataFactor, r.computePool, r.dataPool, r.computeWeight]),
      [
        [1, 10_000n, 10_000n, 358_974n, 176_470n, 550n],
        [2, 9_500n, 7_000n, 341_025n, 123_529n, 400n],
      ],
    );
    assert.deepEqual(
      t.shares.flatMap((s) => (s.kind === "data" ? [[s.round, s.datasetId, s.kl, s.q]] : [])),
      [
        [1, 1n, 6_053_507_249_769_351n, 993_982_917_204_555_335n],
        [1, 2n, 21_782_968_058_627_532n, 978_681_414_018_854_856n],
        [1, 3n, 413_360_633_599_661_861n, 707_533_502_934_151_090n],
        [1, 4n, 29_090_042_021_143_643n, 971_732_267_504_978_966n],
        [2, 1n, 19_762_336_982_008_498n, 980_620_644_374_359_589n],
        [2, 2n, 43_289_444_365_427_098n, 958_506_774_319_223_007n],
        [2, 3n, 340_691_392_598_619_024n, 745_883_807_056_993_294n],
      ],
    );
    assert.deepEqual(
      t.shares.map((s) => [s.round, s.kind, s.account, s.amount]),
      [
        [1, "compute", A, 65_268n],
        [1, "compute", B, 130_536n],
        [1, "compute", C, 65_268n],
        [1, "compute", D, 97_902n],
        [1, "data", A, 34_282n],
        [1, "data", B, 67_510n],
        [1, "data", C, 24_403n],
        [1, "data", D, 50_273n],
        [2, "compute", A, 85_256n],
        [2, "compute", B, 170_512n],
        [2, "compute", C, 85_256n],
        [2, "data", A, 33_246n],
        [2, "data", B, 64_993n],
        [2, "data", C, 25_288n],
      ],
    );
    assert.equal(t.remainder, 7n);
    assert.deepEqual(t.leaves, [
      { account: A, amount: 218_052n },
      { account: B, amount: 433_551n },
      { account: C, amount: 200_215n },
      { account: D, amount: 148_175n },
      { account: CREATOR, amount: 7n },
    ]);
    assert.equal(t.total, 1_000_000n);
    assert.equal(t.root, "0xb099029ea17a1b9fee6e895344132b9b08a1ad7b55029dbf3a31a18c54b6f580");
  });

  it("sums the leaves of an account that is node, data owner and creator at once", () => {
    const t = computePayouts({ ...workedExample, creator: A });
    assert.equal(t.leaves.length, 4);
    assert.equal(leafOf(t, A), 218_052n + 7n);
  });

  it("pays only dataset owners from the data pool when nodes and owners differ", () => {
    const rounds = workedExample.rounds.map((r) => ({
      ...r,
      updates: r.updates.map((u, i) => ({ ...u, datasetOwner: addr(0x10 + i) })),
    }));
    const t = computePayouts({ ...workedExample, rounds });
    assert.equal(leafOf(t, addr(0x10)), 34_282n + 33_246n);
    assert.equal(leafOf(t, A), 65_268n + 85_256n);
  });

  it("gives the whole pool to the creator when no round was finalized", () => {
    const t = computePayouts({ ...workedExample, rounds: [] });
    assert.deepEqual(t.leaves, [{ account: CREATOR, amount: 1_000_000n }]);
    assert.equal(t.remainder, 1_000_000n);
  });

  it("refunds a round's compute pool to the creator when its updates report no samples", () => {
    const rounds = [
      { round: 1, updates: workedExample.rounds[0].updates.map((u) => ({ ...u, samples: 0n })) },
      workedExample.rounds[1],
    ];
    const t = computePayouts({ ...workedExample, rounds });
    const round1Compute = t.shares.filter((s) => s.round === 1 && s.kind === "compute");
    assert.ok(round1Compute.every((s) => s.amount === 0n));
    assert.ok(t.remainder >= t.rounds[0].computePool);
    assert.equal(t.total, 1_000_000n);
  });

  it("counts samples only up to the dataset's rows", () => {
    const rounds = workedExample.rounds.map((r) => ({
      ...r,
      updates: r.updates.map((u) => (u.node === C ? { ...u, samples: 10n ** 30n } : u)),
    }));
    assert.deepEqual(computePayouts({ ...workedExample, rounds }).leaves, computePayouts(workedExample).leaves);
  });

  it("weights rounds by the round number, not the position in the list", () => {
    // Rounds 2 and 3 finalized only: their weights are 1 and γ, as for rounds 1 and 2.
    const later = workedExample.rounds.map((r) => ({ ...r, round: r.round + 1 }));
    const t = computePayouts({ ...workedExample, rounds: later });
    assert.deepEqual(
      t.rounds.map((r) => [r.computePool, r.dataPool]),
      [
        [358_974n, 176_470n],
        [341_025n, 123_529n],
      ],
    );
  });

  it("gives q = 1 to a dataset without a label histogram (encrypted, owner opted out)", () => {
    const rounds = workedExample.rounds.map((r) => ({
      ...r,
      updates: r.updates.map(({ labelHistogram, ...u }) => (u.node === C ? u : { ...u, labelHistogram })),
    }));
    const t = computePayouts({ ...workedExample, rounds });
    const share = t.shares.find((s) => s.kind === "data" && s.account === C)!;
    assert.ok(share.kind === "data");
    assert.equal(share.q, Q_ONE);
    assert.equal(share.kl, undefined);
  });

  it("rates a representative sample of the penguins above each island's non-IID split", () => {
    type Penguin = { Species: string; Island: string };
    const penguins = JSON.parse(
      readFileSync(new URL("../../../node_modules/vega-datasets/data/penguins.json", import.meta.url), "utf8"),
    ) as Penguin[];
    const classes = ["Adelie", "Chinstrap", "Gentoo"];
    const histogramOf = (rows: Penguin[]) => classes.map((c) => rows.filter((p) => p.Species === c).length);
    const parts: Penguin[][] = [
      ...["Biscoe", "Dream", "Torgersen"].map((island) => penguins.filter((p) => p.Island === island)),
      penguins.filter((_, i) => i % 4 === 0), // an IID sample of all islands
    ];
    const updates: UpdateContribution[] = parts.map((rows, i) => ({
      node: addr(i + 1),
      samples: BigInt(rows.length),
      datasetId: BigInt(i + 1),
      datasetOwner: addr(i + 1),
      rows: BigInt(rows.length),
      labelHistogram: histogramOf(rows),
    }));
    const t = computePayouts({ ...workedExample, rounds: [{ round: 1, updates }] });
    const data = t.shares.filter((s) => s.kind === "data");
    const q = data.map((s) => (s.kind === "data" ? s.q : 0n));
    for (const value of q) assert.ok(value > 0n && value <= Q_ONE);
    assert.ok(q[3] > q[0] && q[3] > q[1] && q[3] > q[2], `IID q ${q[3]} should beat islands ${q.slice(0, 3)}`);
    // Per row, the representative dataset earns the most.
    const perRow = data.map((s) => (s.kind === "data" ? (s.amount * 10n ** 9n) / s.rows : 0n));
    assert.ok(perRow[3] > perRow[0] && perRow[3] > perRow[1] && perRow[3] > perRow[2]);
  });

  it("reports invalid inputs with InvalidRewardInputsError and a message that says what to fix", () => {
    const update = workedExample.rounds[0].updates[0];
    const cases: [FlRewardInputs, RegExp][] = [
      [{ ...workedExample, creator: "0x1234" as never }, /creator is not a valid address/],
      [{ ...workedExample, dataShareBps: 10_001 }, /dataShareBps must be an integer number of basis points/],
      [{ ...workedExample, budget: 0n, slashed: 0n }, /pool .* is 0/],
      [{ ...workedExample, budget: -1n }, /budget must be a non-negative bigint/],
      [{ ...workedExample, rounds: [{ round: 1, updates: [update, update] }] }, /lists node .* twice/],
      [
        { ...workedExample, rounds: [{ round: 1, updates: [update, { ...update, node: B }] }] },
        /lists dataset 1 twice/,
      ],
      [{ ...workedExample, rounds: [workedExample.rounds[0], workedExample.rounds[0]] }, /Round 1 is listed twice/],
      [{ ...workedExample, rounds: [{ round: 0, updates: [] }] }, /Round number 0 is out of range/],
      [
        {
          ...workedExample,
          rounds: [{ round: 1, updates: [update, { ...update, node: B, datasetId: 9n, labelHistogram: [1, 2] }] }],
        },
        /mixes label histograms of 3 and 2 classes/,
      ],
      [
        { ...workedExample, rounds: [{ round: 1, updates: [{ ...update, labelHistogram: [1, -1, 2] }] }] },
        /non-negative integer label counts/,
      ],
    ];
    for (const [inputs, message] of cases) {
      assert.throws(() => computePayouts(inputs), (e: unknown) => {
        assert.ok(e instanceof InvalidRewardInputsError);
        assert.match(e.shortMessage, message);
        return true;
      });
    }
  });

  it("settles an FHE task: the compute node takes C, the datasets split D by rows", () => {
    const t = computePayouts({
      kind: "FHE",
      taskId: 3n,
      creator: CREATOR,
      budget: 1_000_000n,
      slashed: 0n,
      dataShareBps: 3000,
      computeDecayBps: 9500,
      dataDecayBps: 7000,
      fhe: {
        computeNode: C,
        datasets: [
          { datasetId: 5n, datasetOwner: B, rows: 2_000n },
          { datasetId: 4n, datasetOwner: A, rows: 1_000n },
        ],
      },
    });
    assert.deepEqual(t.leaves, [
      { account: A, amount: 100_000n },
      { account: B, amount: 200_000n },
      { account: C, amount: 700_000n },
    ]);
    assert.deepEqual(
      t.shares.map((s) => [s.kind, s.account]),
      [
        ["compute", C],
        ["data", A],
        ["data", B],
      ],
    );
  });

  it("reports progress once per round", () => {
    const calls: [number, number][] = [];
    computePayouts(workedExample, { onProgress: (done, total) => calls.push([done, total]) });
    assert.deepEqual(calls, [
      [1, 2],
      [2, 2],
    ]);
  });
});
