import fc from "fast-check";
import type { Address } from "viem";
import type {
  FheRewardInputs,
  FlRewardInputs,
  PayoutTable,
  RoundContribution,
  UpdateContribution,
} from "../../../src/rewards/index.ts";

/** A small address space on purpose: nodes, dataset owners and the creator collide often. */
export const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}` as Address;

export const addressArb = fc.integer({ min: 1, max: 12 }).map(addr);

/** Σ of an account's shares (compute + data), excluding any rounding remainder it gets as creator. */
export function sharesOf(table: PayoutTable, account: Address): bigint {
  return table.shares.filter((s) => s.account === account).reduce((a, s) => a + s.amount, 0n);
}

export function leafOf(table: PayoutTable, account: Address): bigint {
  return table.leaves.find((l) => l.account === account)?.amount ?? 0n;
}

/** Deterministic Fisher–Yates driven by a seed (so fast-check can shrink it). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const updateArb = (classes: number, withHistograms: boolean): fc.Arbitrary<UpdateContribution> =>
  fc
    .record({
      node: addressArb,
      samples: fc.bigInt({ min: 0n, max: 5000n }),
      datasetId: fc.bigInt({ min: 0n, max: 20n }),
      datasetOwner: addressArb,
      rows: fc.bigInt({ min: 0n, max: 5000n }),
      histogram: fc.option(fc.array(fc.nat({ max: 3000 }), { minLength: classes, maxLength: classes }), {
        nil: undefined,
        freq: withHistograms ? 5 : 1,
      }),
    })
    .map(({ histogram, ...u }) => (histogram === undefined ? u : { ...u, labelHistogram: histogram }));

const roundArb = (round: number, classes: number, withHistograms: boolean): fc.Arbitrary<RoundContribution> =>
  fc
    .uniqueArray(updateArb(classes, withHistograms), {
      maxLength: 6,
      selector: (u) => u.node,
    })
    .filter((updates) => new Set(updates.map((u) => u.datasetId)).size === updates.length)
    .map((updates) => ({ round, updates }));

/** Random FL inputs: a random subset of rounds 1..8, each with up to 6 updates, shared K classes. */
export const flInputsArb: fc.Arbitrary<FlRewardInputs> = fc
  .record({
    classes: fc.integer({ min: 1, max: 5 }),
    roundNumbers: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 5 }),
    withHistograms: fc.boolean(),
  })
  .chain(({ classes, roundNumbers, withHistograms }) =>
    fc.record({
      kind: fc.constant("FL" as const),
      taskId: fc.bigInt({ min: 0n, max: 2n ** 64n }),
      creator: addressArb,
      budget: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10n ** 27n })),
      slashed: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 10n ** 24n })),
      dataShareBps: fc.integer({ min: 0, max: 10_000 }),
      computeDecayBps: fc.integer({ min: 0, max: 10_000 }),
      dataDecayBps: fc.integer({ min: 0, max: 10_000 }),
      rounds: fc.tuple(...roundNumbers.map((r) => roundArb(r, classes, withHistograms))),
    }),
  );

/** Random FHE inputs: one compute node, up to 6 distinct datasets. */
export const fheInputsArb: fc.Arbitrary<FheRewardInputs> = fc.record({
  kind: fc.constant("FHE" as const),
  taskId: fc.bigInt({ min: 0n, max: 1000n }),
  creator: addressArb,
  budget: fc.bigInt({ min: 1n, max: 10n ** 27n }),
  slashed: fc.bigInt({ min: 0n, max: 10n ** 20n }),
  dataShareBps: fc.integer({ min: 0, max: 10_000 }),
  computeDecayBps: fc.integer({ min: 0, max: 10_000 }),
  dataDecayBps: fc.integer({ min: 0, max: 10_000 }),
  fhe: fc.record({
    computeNode: addressArb,
    datasets: fc.uniqueArray(
      fc.record({
        datasetId: fc.bigInt({ min: 0n, max: 50n }),
        datasetOwner: addressArb,
        rows: fc.bigInt({ min: 0n, max: 100_000n }),
      }),
      { maxLength: 6, selector: (d) => d.datasetId },
    ),
  }),
});

/** The worked example of docs/rewards.md: 4 members, D contributes to round 1 only and is slashed in round 2. */
export const WORKED = { A: addr(0xa1), B: addr(0xb2), C: addr(0xc3), D: addr(0xd4), creator: addr(0xff) } as const;

const workedUpdates = {
  A: { node: WORKED.A, samples: 100n, datasetId: 1n, datasetOwner: WORKED.A, rows: 100n, labelHistogram: [40, 30, 30] },
  B: { node: WORKED.B, samples: 200n, datasetId: 2n, datasetOwner: WORKED.B, rows: 200n, labelHistogram: [70, 70, 60] },
  C: { node: WORKED.C, samples: 100n, datasetId: 3n, datasetOwner: WORKED.C, rows: 100n, labelHistogram: [90, 5, 5] },
  D: { node: WORKED.D, samples: 150n, datasetId: 4n, datasetOwner: WORKED.D, rows: 150n, labelHistogram: [50, 50, 50] },
};

export const workedExample: FlRewardInputs = {
  kind: "FL",
  taskId: 7n,
  creator: WORKED.creator,
  budget: 950_000n,
  slashed: 50_000n,
  dataShareBps: 3000,
  computeDecayBps: 9500,
  dataDecayBps: 7000,
  rounds: [
    { round: 1, updates: [workedUpdates.A, workedUpdates.B, workedUpdates.C, workedUpdates.D] },
    { round: 2, updates: [workedUpdates.A, workedUpdates.B, workedUpdates.C] },
  ],
};
