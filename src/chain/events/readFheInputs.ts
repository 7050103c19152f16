import type { Hex } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { getEvents } from "../getEvents.ts";

/** An FHE task's inputs as FheInputsSet recorded them at creation; the datasets' versions are those at `blockNumber`. */
export type FheInputsEvent = { keyId: Hex; datasetIds: readonly bigint[]; blockNumber: bigint };

/**
 * The input datasets and key of an FHE task, or undefined when the task has none (an FL task).
 * @example const inputs = await readFheInputs(ctx, 1n)
 */
export async function readFheInputs(ctx: ChainContext, taskId: bigint): Promise<FheInputsEvent | undefined> {
  const [log] = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "FheInputsSet", args: { taskId } });
  return log && { keyId: log.args.keyId, datasetIds: log.args.datasetIds, blockNumber: log.blockNumber };
}
