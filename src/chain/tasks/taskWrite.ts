import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { write, type WriteParameters, type WriteReturnType } from "../write.ts";

/** The TrainingTasks functions that send a transaction. */
export type TaskWriteFunctionName = ContractFunctionName<typeof trainingTasksAbi, "nonpayable" | "payable">;
export type TaskWriteArgs<functionName extends TaskWriteFunctionName> = ContractFunctionArgs<typeof trainingTasksAbi, "nonpayable" | "payable", functionName>;

/**
 * Sends one TrainingTasks transaction (simulated first: nothing is sent if it would revert). Typed by the ABI: a
 * misspelt function or wrong arguments do not compile.
 * @example await taskWrite(ctx, "revealSeeds", [taskId, round, revealRoot], `reveal the round ${round} seeds`)
 */
export function taskWrite<functionName extends TaskWriteFunctionName, const args extends TaskWriteArgs<functionName>>(
  ctx: ChainContext,
  functionName: functionName,
  args: args,
  what: string,
): Promise<WriteReturnType> {
  return write(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, functionName, args } as WriteParameters<typeof trainingTasksAbi, functionName, args>, what);
}
