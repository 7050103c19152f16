// Anyone's step once a committee task's share window closed: slash every member that posted nothing.
import type { Address, Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import type { ContentStore } from "../../../storage/types.ts";
import { FheTaskError } from "../fheTask.ts";
import { readShares } from "../../../chain/committees/readShares.ts";
import { slashMissingShare } from "../../../chain/committees/slashMissingShare.ts";
import { chainNow, isoTime } from "./committeeChain.ts";
import { readCommitteeResult } from "./committeeResult.ts";
import { readCommitteeTask } from "./committeeTask.ts";

export type SlashMissingSharesReturnType = {
  taskId: bigint;
  committeeId: bigint;
  attempt: number;
  /** The members slashed by this call, with their transactions. */
  slashed: { member: Address; transactionHash: Hex }[];
  /** Who the task's creator can withdraw the stakes as (`withdrawCredit`). */
  beneficiary: Address;
};

/**
 * After the reveal deadline of a committee task's result, slashes every unslashed member without a post (its stake is
 * credited to the task's creator; the committee is Broken). Refuses while the window is open and when nobody is missing.
 *
 * @example
 * const { slashed } = await slashMissingShares(ctx, store, { taskId: 1n })
 */
export async function slashMissingShares(ctx: ChainContext, store: ContentStore, p: { taskId: bigint }): Promise<SlashMissingSharesReturnType> {
  const t = await readCommitteeTask(ctx, store, p.taskId);
  if (!t) throw new FheTaskError(`FHE task ${p.taskId} is under a single key, not a committee's`);
  const result = await readCommitteeResult(ctx, t, p.taskId);
  if ((await chainNow(ctx)) <= result.shareDeadline) throw new FheTaskError(`members can post shares of FHE task ${p.taskId}'s result until ${isoTime(result.shareDeadline)}: slash after that`);
  const { committeeId, members } = t.committee;
  const posted = (await readShares(ctx, p.taskId, result.attempt))!.shares;
  const silent = members.filter((m, i) => !posted[i].root && !m.slashed).map((m) => m.address);
  if (silent.length === 0) throw new FheTaskError(`every member of committee ${committeeId} posted for FHE task ${p.taskId}'s result (or was slashed already): nobody to slash`);
  const slashed: SlashMissingSharesReturnType["slashed"] = [];
  for (const member of silent) {
    const receipt = await slashMissingShare(ctx, p.taskId, member);
    slashed.push({ member, transactionHash: receipt.transactionHash });
  }
  return { taskId: p.taskId, committeeId, attempt: result.attempt, slashed, beneficiary: t.task.creator };
}
