// The other money moves around a settlement: dispute, resolve, slash, stake withdrawal, the creator's refund. Each checks
// the task's state first so a user gets a clear reason instead of a reverted (or never-sent) transaction.
import { getAddress, type Address, type Hex } from "viem";
import { requireAccount, type ChainContext } from "../chain/client.ts";
import type { TaskStatusName } from "../chain/constants.ts";
import { taskWrite } from "../chain/tasks/taskWrite.ts";
import { computeTaskPayouts, publishPayoutTable } from "./settleTask.ts";
import type { ContentStore } from "../storage/types.ts";
import { SettlementError } from "./settlementError.ts";
import { describeChainTime, readTaskSettlementState } from "./taskSettlementState.ts";
import type { PayoutDifference } from "./verifyPayoutTable.ts";
import { verifySettlement, type VerifySettlementOptions } from "./verifySettlement.ts";

export type DisputeSettlementOptions = VerifySettlementOptions & {
  /** Dispute even when the settlement verifies (proposing the same payout: it only delays claims). Default false. */
  force?: boolean;
};

export type DisputeSettlementReturnType = {
  transactionHash: Hex;
  /** The payout the dispute proposes: the table recomputed from chain + storage, stored under `tableRoot`. */
  proposed: { root: Hex; total: bigint; tableRoot: Hex };
  /** The deadline until which the resolver may pick a candidate; after it the original settlement stands. */
  resolveDeadline: bigint;
  firstDifference?: PayoutDifference;
};

/**
 * Disputes a task's settlement inside its challenge window by proposing the payout table recomputed from chain +
 * storage (stored, its storage root appended to the calldata so the resolver and everyone can fetch it). Only a
 * member with its stake in the task may, never the creator or the aggregator, once. Claims then wait for the
 * task's resolver, who picks the original or a proposal; its silence leaves the original standing. Verifies the
 * settlement first and refuses to dispute one that is correct unless `force`.
 * @example const { proposed, firstDifference } = await disputeSettlement(ctx, store, 2n)
 */
export async function disputeSettlement(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
  options: DisputeSettlementOptions = {},
): Promise<DisputeSettlementReturnType> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status !== "Settled" && state.status !== "Disputed") {
    throw new SettlementError(`task ${taskId} is ${state.status}, not settled: there is nothing to dispute`, "wrong-status");
  }
  if (state.now >= state.challengeEnd) {
    throw new SettlementError(`the challenge window of task ${taskId} closed at ${describeChainTime(state.challengeEnd, state.now)}: disputes are over`, "window-closed");
  }
  const me = account.address.toLowerCase();
  if (me === state.creator.toLowerCase() || me === state.params.aggregator.toLowerCase()) {
    throw new SettlementError(`the creator and the aggregator of task ${taskId} cannot dispute its settlement`, "not-member");
  }
  const member = await ctx.contracts.trainingTasks.read.getMember([taskId, account.address]);
  if (member.joinIndex === 0 || member.slashed || member.stakeWithdrawn) {
    throw new SettlementError(`only members of task ${taskId} with their stake in it can dispute its settlement (${account.address} has none)`, "not-member");
  }
  if (member.disputed) throw new SettlementError(`${account.address} already disputed the settlement of task ${taskId}`, "wrong-status");
  const verified = await verifySettlement(ctx, store, taskId, options);
  if (verified.ok && !options.force) {
    throw new SettlementError(`task ${taskId}'s settlement verifies (root ${verified.posted.root}): nothing to dispute (use --force to dispute anyway)`, "verifies");
  }
  const { table } = verified;
  const { tableRoot, transactionHash } = await publishPayoutTable(
    ctx, store, table, "dispute", [taskId, table.root, table.total], `dispute the settlement of task ${taskId}`,
  );
  return {
    transactionHash,
    proposed: { root: table.root, total: table.total, tableRoot },
    resolveDeadline: state.challengeEnd + BigInt(state.params.challengeWindow),
    firstDifference: verified.ok ? undefined : verified.firstDifference,
  };
}

/**
 * The task's resolver decides a dispute: recomputes the payout table from chain + storage and picks the candidate
 * (the original settlement or a proposal) that equals it; claims open at once. Refuses when no candidate matches
 * (then the resolver stays silent and the original stands at the resolve deadline) or outside the resolve window.
 * @example const { payoutRoot } = await resolveDispute(ctx, store, 2n)
 */
export async function resolveDispute(
  ctx: ChainContext,
  store: ContentStore,
  taskId: bigint,
): Promise<{ payoutRoot: Hex; total: bigint; original: boolean; transactionHash: Hex }> {
  const { account } = requireAccount(ctx);
  const state = await readTaskSettlementState(ctx, taskId);
  if (state.status !== "Disputed") throw new SettlementError(`task ${taskId} is ${state.status}, not disputed: there is nothing to resolve`, "wrong-status");
  if (account.address.toLowerCase() !== state.params.resolver.toLowerCase()) {
    throw new SettlementError(`only the resolver ${state.params.resolver} of task ${taskId} can resolve its dispute (you are ${account.address})`, "not-settler");
  }
  if (state.now < state.challengeEnd) {
    throw new SettlementError(`members can still dispute task ${taskId} until ${describeChainTime(state.challengeEnd, state.now)}: resolve after that`, "claims-not-open");
  }
  if (state.now >= state.claimsOpenAt) {
    throw new SettlementError(`the resolve deadline of task ${taskId} passed at ${describeChainTime(state.claimsOpenAt, state.now)}: the original settlement stands`, "window-closed");
  }
  const table = await computeTaskPayouts(ctx, store, taskId);
  const original = table.root.toLowerCase() === state.root.toLowerCase() && table.total === state.total;
  if (!original && !(await ctx.contracts.trainingTasks.read.isProposed([taskId, table.root, table.total]))) {
    throw new SettlementError(
      `no candidate of task ${taskId} matches the payout recomputed from chain + storage (root ${table.root}, total ${table.total}); the original stands at the resolve deadline unless a member proposes it`,
      "root-mismatch",
    );
  }
  const receipt = await taskWrite(ctx, "resolve", [taskId, table.root, table.total], `resolve the dispute of task ${taskId}`);
  return { payoutRoot: table.root, total: table.total, original, transactionHash: receipt.transactionHash };
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

/** Statuses in which members' stakes are free to withdraw (the contract's withdrawStake checks the same). */
const STAKE_RELEASED: readonly TaskStatusName[] = ["Settled", "Disputed", "Cancelled", "Abandoned"];

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
  if (!STAKE_RELEASED.includes(state.status)) {
    throw new SettlementError(`stakes of task ${taskId} stay locked while it is ${state.status}: withdraw after it is settled (or cancelled/abandoned)`, "wrong-status");
  }
  const receipt = await taskWrite(ctx, "withdrawStake", [taskId], `withdraw the stake from task ${taskId}`);
  return { amount: state.params.stake, transactionHash: receipt.transactionHash };
}

/**
 * The creator takes back what will not be paid out: the budget of a cancelled task, budget + slashed stakes of an
 * abandoned one, pool − posted total of a settled one once claims are open, and pool − claimed once the claim
 * period is over. (An honest settlement pays the whole pool, the creator's rounding remainder included, as leaves:
 * claim that with `claimPayout`.)
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
  else if (state.status === "Settled" || state.status === "Disputed") {
    if (state.now < state.claimsOpenAt) {
      throw new SettlementError(`the refund of task ${taskId} is available when claims open, at ${describeChainTime(state.claimsOpenAt, state.now)}`, "claims-not-open");
    }
    owed = state.budget + state.slashed - (state.now >= state.claimsCloseAt ? state.claimed : state.total);
  } else {
    throw new SettlementError(`task ${taskId} is ${state.status}: a refund exists only once it is settled, cancelled or abandoned`, "wrong-status");
  }
  const amount = owed - state.refunded;
  if (amount <= 0n) {
    throw new SettlementError(
      state.status === "Settled" || state.status === "Disputed"
        ? `nothing to refund in task ${taskId}: its settlement pays out the whole pool; the creator's remainder is a payout leaf — claim it with \`2pm claim --task ${taskId}\``
        : `nothing left to refund in task ${taskId}: it was already withdrawn`,
      "nothing-to-withdraw",
    );
  }
  const receipt = await taskWrite(ctx, "withdrawRefund", [taskId], `withdraw the refund of task ${taskId}`);
  return { amount, transactionHash: receipt.transactionHash };
}
