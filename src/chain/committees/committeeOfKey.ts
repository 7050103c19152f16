import type { Hex } from "viem";
import type { ChainContext } from "../client.ts";

/**
 * The committee whose collective key has id `keyId`, or undefined (a single holder's key, or no key at all).
 * @example const committeeId = await committeeOfKey(ctx, keyId)
 */
export async function committeeOfKey(ctx: ChainContext, keyId: Hex): Promise<bigint | undefined> {
  const id = await ctx.contracts.fheCommittees.read.committeeOfKey([keyId]);
  return id === 0n ? undefined : id;
}
