// Account totals, shared by the handlers of every contract. Every change is an upsert that adds deltas, so an
// account row appears the first time an address does anything.
import type { Context } from "ponder:registry";
import { account } from "ponder:schema";

type Totals = {
  earned: bigint;
  claimCount: number;
  staked: bigint;
  slashed: bigint;
  stakesWithdrawn: bigint;
  budgeted: bigint;
  refunded: bigint;
  datasetCount: number;
  taskCount: number;
  membershipCount: number;
  updateCount: number;
  committeeSeats: number;
  committeeStaked: bigint;
  committeeSlashed: bigint;
  credited: bigint;
  creditsWithdrawn: bigint;
};

const zero: Totals = {
  earned: 0n, claimCount: 0, staked: 0n, slashed: 0n, stakesWithdrawn: 0n, budgeted: 0n, refunded: 0n,
  datasetCount: 0, taskCount: 0, membershipCount: 0, updateCount: 0,
  committeeSeats: 0, committeeStaked: 0n, committeeSlashed: 0n, credited: 0n, creditsWithdrawn: 0n,
};

/** Adds `delta` to the totals of `address` (creating the row when needed). */
export async function addToAccount(db: Context["db"], address: `0x${string}`, block: bigint, delta: Partial<Totals>): Promise<void> {
  await db
    .insert(account)
    .values({ id: address, ...zero, ...delta, firstSeenBlock: block, lastSeenBlock: block })
    .onConflictDoUpdate((row) => {
      const next: Partial<Totals> & { lastSeenBlock: bigint } = { lastSeenBlock: block };
      for (const [key, value] of Object.entries(delta) as [keyof Totals, bigint | number][]) {
        (next as Record<string, unknown>)[key] = typeof value === "bigint" ? (row[key] as bigint) + value : (row[key] as number) + value;
      }
      return next;
    });
}
