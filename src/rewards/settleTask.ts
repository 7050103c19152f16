import { isAddressEqual, zeroAddress, type Hex } from "viem";
import { trainingTasksAbi } from "../chain/abis.ts";
import { requireAccount, type ChainContext } from "../chain/client.ts";
import { write } from "../chain/write.ts";
import type { ContentStore } from "../storage/types.ts";
import { collectRewardInputs } from "./collectRewardInputs.ts";
import { computePayouts } from "./computePayouts.ts";
import { PayoutTableError } from "./errors.ts";
import { payoutRoot } from "./payoutTree.ts";
import { serializePayoutTable } from "./serializePayoutTable.ts";
import { SettlementError } from "./settlementError.ts";
import { describeChainTime, readTaskSettlementState } from "./taskSettlementState.ts";
import type { PayoutTable } from "./types.ts";

/**
 * Recomputes a task's payout table from the chain and storage alone (what settlers, verifiers and claimers all do).
 * @example const table = await computeTaskPayouts(ctx, store, 1n); table.root
 */
export async function computeTaskPayouts(ctx: ChainContext, store: ContentStore, taskId: bigint): Promise<PayoutTable> {
  return computePayouts(await collectRewardInputs(ctx, store, taskId));
}

export type SettleTaskReturnType = {
  table: PayoutTable;
  /** Storage root of the payout table JSON (published, and appended to the settle calldata). */
  tableRoot: Hex;
  payoutRoot: Hex;
  total: bigint;
  transactionHash: Hex;
};

/**
 * Stores a payout table and posts its root and total with `settle(taskId, root, total)`, appending the table's
 * storage root to the calldata so anyone can find it (see {@link findSettlementTransaction}). The table is used as
 * given: `settleTask` is the honest path; this lower-level call exists for tools and tests. Simulated first.
 * @example const { tableRoot } = await postSettlement(ctx, store, 1n, table)
 */
export async function postSettlement(ctx: ChainContext, store: ContentStore, taskId: bigint, table: PayoutTable): Promise<SettleTaskReturnType> {
  if (table.taskId !== taskId) throw new PayoutTableError(`this payout table is for task ${table.taskId}, not task ${taskId}`);
  const root = payoutRoot(table);
  if (root !== table.root.toLowerCase()) {
    throw new PayoutTableError("the payout table's root does not match its leaves: recompute it", { details: `table root ${table.root}, leaves give ${root}` });
  }
  const total = table.leaves.reduce((a, l) => a + l.amount, 0n);
  if (total !== table.total) throw new PayoutTableError(`the payout table's leaves sum to ${total}, not its total ${table.total}: recompute it`);
  // A leaf nobody can claim would lock its amount until the claim period ends: refuse to post one.
  const unclaimable = table.leaves.find((l) => l.amount > 0n && (l.account === zeroAddress || isAddressEqual(l.account, ctx.deployments.trainingTasks.address)));
  if (unclaimable) throw new PayoutTableError(`the payout table pays ${unclaimable.amount} to ${unclaimable.account}, which can never claim it: recompute it`);
  const { tableRoot, transactionHash } = await publishPayoutTable(ctx, store, table, "settle", [taskId, root, total], `settle task ${taskId}`);
  return { table, tableRoot, payoutRoot: root, total, transactionHash };
}

/**
 * Stores a payout table and sends `functionName` (settle, or dispute with a proposal) with the table's storage root
 * appended to the calldata, so anyone finds the table from the chain alone (see {@link findSettlementTransaction}).
 */
export async function publishPayoutTable(
  ctx: ChainContext,
  store: ContentStore,
  table: PayoutTable,
  functionName: "settle" | "dispute",
  args: readonly [bigint, Hex, bigint],
  what: string,
): Promise<{ tableRoot: Hex; transactionHash: Hex }> {
  const tableRoot = await store.put(new TextEncoder().encode(serializePayoutTable(table)));
  const receipt = await write(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, functionName, args, dataSuffix: tableRoot }, what);
  return { tableRoot, transactionHash: receipt.transactionHash };
}

/**
 * Settles a finished task: reads its inputs from chain + storage, computes the payout table, stores it and posts
 * `settle(taskId, root, total)`. The task's aggregator settles before the settle deadline; if it stays silent, any
 * member with its stake in the task may for one more aggregator window (so the members' pay does not depend on the
 * aggregator showing up). Refuses, before sending anything, when the acting account or the task's state does not
 * allow it.
 * @example const { payoutRoot, total, tableRoot } = await settleTask(ctx, openStore({ home: ".2pm" }), 1n)
 */
export async function settleTask(ctx: ChainContext, store: ContentStore, taskId: bigint): Promise<SettleTaskReturnType> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  const me = account.address.toLowerCase();
  switch (state.status) {
    case "Finished": {
      const memberDeadline = state.settleDeadline + BigInt(state.params.aggregatorWindow);
      if (state.now <= state.settleDeadline) {
        if (me !== state.params.aggregator.toLowerCase()) {
          throw new SettlementError(
            `only the aggregator ${state.params.aggregator} can settle task ${taskId} until ${describeChainTime(state.settleDeadline, state.now)}; then its members can (you are ${account.address})`,
            "not-settler",
          );
        }
      } else if (state.now > memberDeadline) {
        throw new SettlementError(
          `nobody settled task ${taskId} before ${describeChainTime(memberDeadline, state.now)}: the task can only be abandoned now, then everyone withdraws what they put in`,
          "deadline-passed",
        );
      } else {
        const member = await ctx.contracts.trainingTasks.read.getMember([taskId, account.address]);
        if (member.joinIndex === 0 || member.slashed || member.stakeWithdrawn) {
          throw new SettlementError(`the aggregator of task ${taskId} missed its settle deadline: now only a member with its stake in the task can settle it (you are ${account.address})`, "not-settler");
        }
      }
      break;
    }
    case "Disputed":
      throw new SettlementError(`task ${taskId}'s settlement is disputed: its resolver ${state.params.resolver} picks the payout (\`2pm resolve --task ${taskId}\`)`, "wrong-status");
    case "Settled":
      throw new SettlementError(`task ${taskId} is already settled (payout root ${state.root}): check it with \`2pm verify-settlement --task ${taskId}\``, "wrong-status");
    case "Open":
    case "Running":
      throw new SettlementError(`task ${taskId} is still ${state.status}: settle it once its last round is finalized`, "wrong-status");
    default:
      throw new SettlementError(`task ${taskId} is ${state.status}: there is nothing to settle; members take back their stakes and the creator its budget`, "wrong-status");
  }
  const table = await computeTaskPayouts(ctx, store, taskId);
  return postSettlement(ctx, store, taskId, table);
}
