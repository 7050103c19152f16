import type { ChainContext } from "../client.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * Retires an Active committee (its creator or a member): stakes stay slashable for the unbonding period.
 * @example await retireCommittee(ctx, 1n)
 */
export function retireCommittee(ctx: ChainContext, committeeId: bigint): Promise<WriteReturnType> {
  return committeeWrite(ctx, "retireCommittee", [committeeId], `retire committee ${committeeId}`);
}
