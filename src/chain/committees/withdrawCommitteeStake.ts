import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * Withdraws the acting member's committee stake: a Failed committee's at once, a Retired or Broken one's after the
 * unbonding period.
 * @example await withdrawCommitteeStake(ctx, 1n)
 */
export function withdrawCommitteeStake(ctx: ChainContext, committeeId: bigint): Promise<WriteReturnType> {
  return committeeWrite(ctx, "withdrawStake", [committeeId], `withdraw the stake of committee ${committeeId}`);
}
