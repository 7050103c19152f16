import type { Hex } from "viem";
import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { ensureAllowance } from "./ensureAllowance.ts";
import { readTaskParams } from "./readTaskParams.ts";
import { taskWrite } from "./taskWrite.ts";

/** Joins a task: approves and stakes, records the dataset and the secure-aggregation public key. */
export async function joinTask(ctx: ChainContext, taskId: bigint, datasetId: bigint, saPublicKey: Hex): Promise<WriteReturnType> {
  const params = await readTaskParams(ctx, taskId);
  await ensureAllowance(ctx, params.rewardToken, params.stake);
  return taskWrite(ctx, "joinTask", [taskId, datasetId, saPublicKey], `join task ${taskId}`);
}
