import type { Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { ensureAllowance } from "../tasks/ensureAllowance.ts";
import type { WriteReturnType } from "../write.ts";
import { committeeWrite } from "./committeeWrite.ts";

/**
 * A member stakes (approving the stake token first when needed) and commits the storage root of its key share file;
 * the file itself stays private until every member has committed.
 * @example await commitKeyShare(ctx, 1n, keyShareRoot)
 */
export async function commitKeyShare(ctx: ChainContext, committeeId: bigint, keyShareRoot: Hex): Promise<WriteReturnType> {
  const { stakeToken, stake } = await ctx.contracts.fheCommittees.read.getCommittee([committeeId]);
  await ensureAllowance(ctx, stakeToken, stake, { spender: ctx.deployments.fheCommittees.address, tokenName: "stake token" });
  return committeeWrite(ctx, "commitKeyShare", [committeeId, keyShareRoot], `commit the key share for committee ${committeeId}`);
}
