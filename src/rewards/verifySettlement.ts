import type { Hex } from "viem";
import type { ChainContext } from "../chain/client.ts";
import type { TaskStatusName } from "../chain/constants.ts";
import type { ContentStore } from "../storage/types.ts";
import { readPostedTable } from "./postedTable.ts";
import { computeTaskPayouts } from "./settleTask.ts";
import { SettlementError } from "./settlementError.ts";
import { readTaskSettlementState } from "./taskSettlementState.ts";
import type { PayoutTable } from "./types.ts";
import { verifyPayoutTable, type PayoutDifference } from "./verifyPayoutTable.ts";

export type VerifySettlementOptions = {
  /** Storage root of the posted payout table, when the settle transaction did not carry it. */
  tableRoot?: Hex;
};

type VerifySettlementCommon = {
  taskId: bigint;
  status: TaskStatusName;
  /** What the chain holds. */
  posted: { root: Hex; total: bigint };
  /** The table recomputed from chain + storage. */
  table: PayoutTable;
};

export type VerifySettlementReturnType =
  | (VerifySettlementCommon & { ok: true })
  | (VerifySettlementCommon & {
      ok: false;
      /** First leaf (by account) that differs when the posted table could be read, else the total or the root. */
      firstDifference: PayoutDifference;
      /** Storage root of the posted table, when one was found. */
      postedTableRoot?: Hex;
      /** Why the posted table could not be compared leaf by leaf (then only root and total are compared). */
      postedTableProblem?: string;
    });

/**
 * Recomputes a settled task's payout table from the chain and storage alone and compares it with the root and
 * total posted on chain. On a mismatch it fetches the table the settler published (its root travels in the settle
 * calldata, or pass `tableRoot`) to name the first differing leaf; without it, the total or root difference.
 * @example
 * const r = await verifySettlement(ctx, store, 1n)
 * if (!r.ok) console.log(r.firstDifference) // { field: "leaf", account: "0x…", expected: "…", actual: "…" }
 */
export async function verifySettlement(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  options: VerifySettlementOptions = {},
): Promise<VerifySettlementReturnType> {
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status !== "Settled" && state.status !== "Disputed") {
    throw new SettlementError(`task ${taskId} is ${state.status}, not settled: there is no settlement to verify yet`, "wrong-status");
  }
  const posted = { root: state.root.toLowerCase() as Hex, total: state.total };
  const table = await computeTaskPayouts(ctx, store, taskId);
  const common = { taskId, status: state.status, posted, table };
  if (table.root.toLowerCase() === posted.root && table.total === posted.total) return { ...common, ok: true };

  const found = await readPostedTable(ctx, store, taskId, posted, options);
  if (found.table) {
    const result = verifyPayoutTable(table, found.table);
    // The published table hashes to the posted root, which differs from ours: some field must differ.
    const firstDifference = result.ok ? { field: "root", expected: table.root, actual: posted.root } : result.firstDifference;
    return { ...common, ok: false, firstDifference, postedTableRoot: found.tableRoot };
  }
  const result = verifyPayoutTable(table, posted);
  const firstDifference = result.ok ? { field: "root", expected: table.root, actual: posted.root } : result.firstDifference;
  return { ...common, ok: false, firstDifference, postedTableRoot: found.tableRoot, postedTableProblem: found.problem };
}
