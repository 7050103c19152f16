import type { Address } from "viem";
import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * Slashes a committee member that posted nothing for an FHE task's result by its reveal deadline (anyone may): its
 * stake is credited to the task's creator ({withdrawCredit}) and the committee is Broken.
 * @example await slashMissingShare(ctx, 7n, member)
 */
export function slashMissingShare(ctx: ChainContext, taskId: bigint, member: Address): Promise<WriteReturnType> {
  return committeeWrite(ctx, "slashMissingShare", [taskId, member], `slash ${member} for its missing share of task ${taskId}`);
}
