import { zeroHash, type Hex } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { ensureAllowance } from "./ensureAllowance.ts";
import type { TaskParams } from "./readTaskParams.ts";
import { taskWrite } from "./taskWrite.ts";

/** An FHE task's input: a dataset version (the contract checks it is the current one). */
export type FheInput = { datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint };

export type CreateTaskReturnType = { taskId: bigint; transactionHash: Hex };

/** Creates a task, approving the budget first. */
export async function createTask(ctx: ChainContext, params: TaskParams, fhe?: { inputs: FheInput[]; keyId: Hex }): Promise<CreateTaskReturnType> {
  await ensureAllowance(ctx, params.rewardToken, params.budget);
  const receipt = await taskWrite(ctx, "createTask", [params, fhe?.inputs ?? [], fhe?.keyId ?? zeroHash], "create task");
  return { taskId: receiptEvent(receipt, trainingTasksAbi, "TaskCreated").taskId, transactionHash: receipt.transactionHash };
}
