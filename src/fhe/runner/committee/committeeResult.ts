// The result a committee decrypts: the compute node's round-1 update of the task's current attempt, and the
// window in which members post their shares (until the attempt's reveal deadline).
import type { Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import { readRound, readUpdates, type RoundInfo } from "../../../chain/index.ts";
import { FheTaskError } from "../fheTask.ts";
import type { CommitteeTaskView } from "./committeeTask.ts";

export type CommitteeResult = { round: RoundInfo; attempt: number; resultRoot: Hex; shareDeadline: bigint };

/** The submitted result of a committee task that has started (a clear error when there is none yet). */
export async function readCommitteeResult(ctx: ChainContext, t: CommitteeTaskView, taskId: bigint): Promise<CommitteeResult> {
  if (t.task.status === "Open" || t.task.status === "Cancelled") throw new FheTaskError(`FHE task ${taskId} is ${t.task.status}: ${t.task.status === "Open" ? "no compute node has joined yet" : "there is no result to decrypt"}`);
  const round = await readRound(ctx, taskId, 1, t.task.params);
  const [update] = await readUpdates(ctx, taskId, 1, round.attempt);
  if (!update) throw new FheTaskError(`the compute node has not submitted FHE task ${taskId}'s result yet`);
  return { round, attempt: round.attempt, resultRoot: update.updateRoot, shareDeadline: round.revealDeadline };
}
