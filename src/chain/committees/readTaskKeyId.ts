import { zeroHash, type Hex } from "viem";
import type { ChainContext } from "../client.ts";

/**
 * The key id an FHE task's inputs are encrypted under, or undefined for an FL task (or an unknown id).
 * @example const keyId = await readTaskKeyId(ctx, 7n)
 */
export async function readTaskKeyId(ctx: ChainContext, taskId: bigint): Promise<Hex | undefined> {
  const keyId = await ctx.contracts.trainingTasks.read.getFheKeyId([taskId]);
  return keyId === zeroHash ? undefined : keyId;
}
