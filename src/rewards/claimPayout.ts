import { getAddress, type Address, type Hex } from "viem";
import type { ChainContext } from "../chain/client.ts";
import { taskWrite } from "../chain/tasks/taskWrite.ts";
import type { ContentStore } from "../storage/types.ts";
import { payoutProof } from "./payoutTree.ts";
import { computeTaskPayouts } from "./settleTask.ts";
import { SettlementError } from "./settlementError.ts";
import { describeChainTime, readTaskSettlementState } from "./taskSettlementState.ts";
import type { PayoutTable } from "./types.ts";

export type ClaimPayoutOptions = {
  /**
   * Claim from this table instead of the recomputed one (e.g. the posted table of a settlement that nobody
   * disputed in time). Its root must still equal the posted root.
   */
  table?: PayoutTable;
};

export type ClaimPayoutReturnType = { account: Address; index: number; amount: bigint; transactionHash: Hex };

/** Checks that claims are open and returns the table to claim from (recomputed unless given). */
async function claimableTable(ctx: ChainContext, store: ContentStore, taskId: bigint, options: ClaimPayoutOptions): Promise<PayoutTable> {
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status !== "Settled" && state.status !== "Disputed") {
    throw new SettlementError(`task ${taskId} is ${state.status}, not settled: there is nothing to claim yet`, "wrong-status");
  }
  if (state.now < state.claimsOpenAt) {
    throw new SettlementError(
      state.status === "Disputed"
        ? `claims of task ${taskId} wait for its resolver: they open when it picks the payout, or at ${describeChainTime(state.claimsOpenAt, state.now)} with the original settlement`
        : `claims of task ${taskId} open at ${describeChainTime(state.claimsOpenAt, state.now)}, after the challenge window`,
      state.status === "Disputed" ? "claims-frozen" : "claims-not-open",
    );
  }
  if (state.now >= state.claimsCloseAt) {
    throw new SettlementError(`claims of task ${taskId} closed at ${describeChainTime(state.claimsCloseAt, state.now)}: what was not claimed went back to the creator`, "window-closed");
  }
  const table = options.table ?? (await computeTaskPayouts(ctx, store, taskId));
  if (table.root.toLowerCase() !== state.root.toLowerCase()) {
    throw new SettlementError(
      `the payout root posted for task ${taskId} (${state.root}) differs from the one recomputed from chain + storage (${table.root}): run \`2pm verify-settlement --task ${taskId}\` and dispute it inside the challenge window`,
      "root-mismatch",
    );
  }
  return table;
}

async function claimLeaf(ctx: ChainContext, taskId: bigint, table: PayoutTable, account: Address): Promise<ClaimPayoutReturnType> {
  const { index, amount, proof } = payoutProof(table, account);
  if (await ctx.contracts.trainingTasks.read.isClaimed([taskId, BigInt(index)])) {
    throw new SettlementError(`${getAddress(account)} already claimed its payout of task ${taskId} (leaf ${index}, ${amount} base units)`, "already-claimed");
  }
  const receipt = await taskWrite(ctx, "claim", [taskId, BigInt(index), account, amount, proof], `claim the payout of ${account} in task ${taskId}`);
  return { account: getAddress(account), index, amount, transactionHash: receipt.transactionHash };
}

/**
 * Claims an account's payout: recomputes the task's table from chain + storage (trustless: anyone can), checks its
 * root against the posted one (else tells the user to dispute), builds the Merkle proof and sends
 * `claim(taskId, index, account, amount, proof)`. Any account may send it; the tokens go to `account`.
 * @example const { amount } = await claimPayout(ctx, store, 1n, "0xabc…")
 */
export async function claimPayout(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  account: Address,
  options: ClaimPayoutOptions = {},
): Promise<ClaimPayoutReturnType> {
  const table = await claimableTable(ctx, store, taskId, options);
  return claimLeaf(ctx, taskId, table, account.toLowerCase() as Address);
}

export type ClaimAllPayoutsReturnType = {
  claimed: ClaimPayoutReturnType[];
  /** Leaves that were claimed before. */
  alreadyClaimed: Array<{ account: Address; index: number; amount: bigint }>;
};

/**
 * Claims every leaf of a task's payout table that is not claimed yet, from the acting account (for demos and
 * for paying out accounts that cannot send transactions). Tokens go to each leaf's account.
 * @example const { claimed } = await claimAllPayouts(ctx, store, 1n)
 */
export async function claimAllPayouts(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  options: ClaimPayoutOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<ClaimAllPayoutsReturnType> {
  const table = await claimableTable(ctx, store, taskId, options);
  const result: ClaimAllPayoutsReturnType = { claimed: [], alreadyClaimed: [] };
  for (const [index, leaf] of table.leaves.entries()) {
    if (await ctx.contracts.trainingTasks.read.isClaimed([taskId, BigInt(index)])) {
      result.alreadyClaimed.push({ account: getAddress(leaf.account), index, amount: leaf.amount });
    } else {
      result.claimed.push(await claimLeaf(ctx, taskId, table, leaf.account));
    }
    options.onProgress?.(index + 1, table.leaves.length);
  }
  return result;
}
