import type { Address } from "viem";
import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * Withdraws the slashed committee stakes of `token` credited to the acting account (a task creator).
 * @example await withdrawCredit(ctx, ctx.deployments.rewardToken.address)
 */
export function withdrawCredit(ctx: ChainContext, token: Address): Promise<WriteReturnType> {
  return committeeWrite(ctx, "withdrawCredit", [token], "withdraw the slashed committee stakes credited to you");
}
