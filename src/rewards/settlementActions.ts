// The other money moves around a settlement: dispute, slash, stake withdrawal, the creator's refund. Each checks
// the task's state first so a user gets a clear reason instead of a reverted (or never-sent) transaction.
import { getAddress, type Address, type Hex } from "viem";
import { requireAccount, type ChainContext } from "../chain/client.ts";
import { taskWrite } from "../chain/tasks.ts";
import type { ContentStore } from "../storage/types.ts";
import { SettlementError } from "./settlementError.ts";
import { describeChainTime, readTaskSettlementState } from "./taskSettlementState.ts";
import type { PayoutDifference } from "./verifyPayoutTable.ts";
import { verifySettlement, type VerifySettlementOptions } from "./verifySettlement.ts";

export type DisputeSettlementOptions = VerifySettlementOptions & {
  /** Dispute even when the settlement verifies (claims stay frozen until the creator re-settles). Default false. */
  force?: boolean;
};

/**
 * Disputes a task's settlement (members only, inside the challenge window): claims freeze until the creator
 * re-settles. Verifies the settlement first and refuses to dispute one that is correct unless `force`.
 * @example const { firstDifference } = await disputeSettlement(ctx, store, 2n)
 */
export async function disputeSettlement(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  options: DisputeSettlementOptions = {},
): Promise<{ transactionHash: Hex; firstDifference?: PayoutDifference }> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status === "Disputed") throw new SettlementError(`task ${taskId}'s settlement is already disputed: wait for the creator to re-settle it`, "wrong-status");
  if (state.status !== "Settled") throw new SettlementError(`task ${taskId} is ${state.status}, not settled: there is nothing to dispute`, "wrong-status");
  if (state.resettled) throw new SettlementError(`task ${taskId} was re-settled by its creator after a dispute: that settlement is final`, "wrong-status");
  if (state.now >= state.claimsOpenAt) {
    throw new SettlementError(`the challenge window of task ${taskId} closed at ${describeChainTime(state.claimsOpenAt, state.now)}: the settlement is final`, "window-closed");
  }
  const member = await ctx.contracts.trainingTasks.read.getMember([taskId, account.address]);
  if (member.joinIndex === 0) throw new SettlementError(`only members of task ${taskId} can dispute its settlement (${account.address} is not one)`, "not-member");
  let firstDifference: PayoutDifference | undefined;
  if (!options.force) {
    const verified = await verifySettlement(ctx, store, taskId, options);
    if (verified.ok) {
      throw new SettlementError(`task ${taskId}'s settlement verifies (root ${verified.posted.root}): nothing to dispute (use --force to dispute anyway)`, "verifies");
    }
    firstDifference = verified.firstDifference;
  }
  const receipt = await taskWrite(ctx, "dispute", [taskId], `dispute the settlement of task ${taskId}`);
  return { transactionHash: receipt.transactionHash, firstDifference };
}

/**
 * Slashes a member for an objectively missed round (no update, or no reveal while someone dropped): its whole stake
 * joins the task's reward pool. Anyone may call it, while the task is Running or Finished (before settlement).
 * @example await slashMember(ctx, 1n, "0xdead…", 2)
 */
export async function slashMember(ctx: ChainContext, taskId: bigint, node: Address, round: number): Promise<{ node: Address; amount: bigint; transactionHash: Hex }> {
  requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status !== "Running" && state.status !== "Finished") {
    throw new SettlementError(`task ${taskId} is ${state.status}: members can only be slashed while it runs or before it is settled`, "wrong-status");
  }
  const member = await ctx.contracts.trainingTasks.read.getMember([taskId, node]);
  if (member.joinIndex === 0) throw new SettlementError(`${getAddress(node)} is not a member of task ${taskId}`, "not-member");
  if (member.slashed) throw new SettlementError(`${getAddress(node)} was already slashed in task ${taskId}`, "nothing-to-withdraw");
  const receipt = await taskWrite(ctx, "slash", [taskId, node, round], `slash ${getAddress(node)} for round ${round} of task ${taskId}`);
  return { node: getAddress(node), amount: state.params.stake, transactionHash: receipt.transactionHash };
}

/**
 * Returns the acting member's stake once the task is settled (or disputed, cancelled, abandoned).
 * @example const { amount } = await withdrawStake(ctx, 1n)
 */
export async function withdrawStake(ctx: ChainContext, taskId: bigint): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  const member = await ctx.contracts.trainingTasks.read.getMember([taskId, account.address]);
  if (member.joinIndex === 0) throw new SettlementError(`${account.address} is not a member of task ${taskId}: it has no stake there`, "not-member");
  if (member.slashed) throw new SettlementError(`${account.address}'s stake in task ${taskId} was slashed for a missed round: it went to the reward pool`, "nothing-to-withdraw");
  if (member.stakeWithdrawn) throw new SettlementError(`${account.address} already withdrew its stake from task ${taskId}`, "nothing-to-withdraw");
  if (!["Settled", "Disputed", "Cancelled", "Abandoned"].includes(state.status)) {
    throw new SettlementError(`stakes of task ${taskId} stay locked while it is ${state.status}: withdraw after it is settled (or cancelled/abandoned)`, "wrong-status");
  }
  const receipt = await taskWrite(ctx, "withdrawStake", [taskId], `withdraw the stake from task ${taskId}`);
  return { amount: state.params.stake, transactionHash: receipt.transactionHash };
}

/**
 * The creator takes back what will not be paid out: the budget of a cancelled task, budget + slashed stakes of an
 * abandoned one, or pool − posted total of a settled one once claims are open. (An honest settlement pays the
 * whole pool, the creator's rounding remainder included, as leaves: claim that with `claimPayout`.)
 * @example const { amount } = await withdrawRefund(ctx, 4n)
 */
export async function withdrawRefund(ctx: ChainContext, taskId: bigint): Promise<{ amount: bigint; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  if (account.address.toLowerCase() !== state.creator.toLowerCase()) {
    throw new SettlementError(`only the creator ${state.creator} of task ${taskId} can take its refund (you are ${account.address})`, "not-creator");
  }
  let owed: bigint;
  if (state.status === "Cancelled") owed = state.budget;
  else if (state.status === "Abandoned") owed = state.budget + state.slashed;
  else if (state.status === "Settled") {
    if (state.now < state.claimsOpenAt) {
      throw new SettlementError(`the refund of task ${taskId} is available when claims open, at ${describeChainTime(state.claimsOpenAt, state.now)}`, "claims-not-open");
    }
    owed = state.budget + state.slashed - state.total;
  } else {
    throw new SettlementError(`task ${taskId} is ${state.status}: a refund exists only once it is settled, cancelled or abandoned`, "wrong-status");
  }
  const amount = owed - state.refunded;
  if (amount <= 0n) {
    throw new SettlementError(
      state.status === "Settled"
        ? `nothing to refund in task ${taskId}: its settlement pays out the whole pool; the creator's remainder is a payout leaf — claim it with \`2pm claim --task ${taskId}\``
        : `nothing left to refund in task ${taskId}: it was already withdrawn`,
      "nothing-to-withdraw",
    );
  }
  const receipt = await taskWrite(ctx, "withdrawRefund", [taskId], `withdraw the refund of task ${taskId}`);
  return { amount, transactionHash: receipt.transactionHash };
}
