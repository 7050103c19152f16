import type { Address, Hex } from "viem";
import type { ChainContext } from "../chain/client.ts";
import { TASK_STATUS, type TaskStatusName } from "../chain/constants.ts";
import { deadlineClock } from "../chain/deadlineClock.ts";
import { readTaskParams, type TaskParams } from "../chain/tasks/readTaskParams.ts";

/** What the chain says about a task's settlement right now (one place for every settlement pre-check). */
export type TaskSettlementState = {
  taskId: bigint;
  params: TaskParams;
  creator: Address;
  status: TaskStatusName;
  /** Posted payout root (zero before settlement) and total. */
  root: Hex;
  total: bigint;
  /** When claims open (while Disputed: the resolve deadline, from which the original stands) and close. */
  claimsOpenAt: bigint;
  claimsCloseAt: bigint;
  /** End of the challenge window: disputes before it, the resolver after it. */
  challengeEnd: bigint;
  /** The aggregator settles until then; staked members for one more aggregator window. */
  settleDeadline: bigint;
  budget: bigint;
  slashed: bigint;
  claimed: bigint;
  refunded: bigint;
  /** Chain time (`deadlineClock`): deadlines are judged against it, not the local clock. */
  now: bigint;
};

/**
 * Reads a task's status, settlement and funds in one go.
 * @example const s = await readTaskSettlementState(ctx, 1n); s.status === "Settled" && s.now >= s.claimsOpenAt
 */
export async function readTaskSettlementState(ctx: ChainContext, taskId: bigint): Promise<TaskSettlementState> {
  const params = await readTaskParams(ctx, taskId);
  const tasks = ctx.contracts.trainingTasks.read;
  const [[creator, status], [root, total, claimsOpenAt, claimsCloseAt, challengeEnd, settleDeadline], funds, now] = await Promise.all([
    tasks.getTaskState([taskId]),
    tasks.getSettlement([taskId]),
    tasks.getTaskFunds([taskId]),
    deadlineClock(ctx),
  ]);
  const [budget, , slashed, , , claimed, refunded] = funds;
  return {
    taskId, params, creator, status: TASK_STATUS[status], root, total,
    claimsOpenAt: BigInt(claimsOpenAt), claimsCloseAt: BigInt(claimsCloseAt), challengeEnd: BigInt(challengeEnd),
    settleDeadline: BigInt(settleDeadline),
    budget, slashed, claimed, refunded, now,
  };
}

/** "2026-01-01T00:00:00Z (in 42 s)" for a chain timestamp. */
export function describeChainTime(at: bigint, now: bigint): string {
  const iso = new Date(Number(at) * 1000).toISOString().replace(".000Z", "Z");
  const delta = at - now;
  return delta > 0n ? `${iso} (in ${delta} s of chain time)` : iso;
}
