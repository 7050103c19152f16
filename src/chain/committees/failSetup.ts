import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * Ends a committee setup that missed its deadline (anyone may); every staked member can then withdraw at once.
 * @example await failSetup(ctx, 1n)
 */
export function failSetup(ctx: ChainContext, committeeId: bigint): Promise<WriteReturnType> {
  return committeeWrite(ctx, "failSetup", [committeeId], `end the failed setup of committee ${committeeId}`);
}
