import type { Hex } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { ensureAllowance } from "./ensureAllowance.ts";
import type { TaskParams } from "./readTaskParams.ts";
import { taskWrite } from "./taskWrite.ts";

/** The contract's DpTerms: noise multiplier × 1e6, δ × 1e18 (zeros: no DP). */
export type ChainDpTerms = { noiseMultiplierE6: number; deltaE18: bigint };

/** Creates an FL task with differential-privacy terms (createDpTask), approving the budget first. */
export async function createDpTask(ctx: ChainContext, params: TaskParams, dp: ChainDpTerms): Promise<{ taskId: bigint; transactionHash: Hex }> {
  await ensureAllowance(ctx, params.rewardToken, params.budget);
  const receipt = await taskWrite(ctx, "createDpTask", [params, dp], "create task");
  return { taskId: receiptEvent(receipt, trainingTasksAbi, "TaskCreated").taskId, transactionHash: receipt.transactionHash };
}

/** A task's DP terms (zeros: created without DP). */
export async function readDpTerms(ctx: ChainContext, taskId: bigint): Promise<ChainDpTerms> {
  const t = await ctx.contracts.trainingTasks.read.getDpTerms([taskId]);
  return { noiseMultiplierE6: t.noiseMultiplierE6, deltaE18: t.deltaE18 };
}
