import type { ChainContext } from "./client.ts";

/** The chain's current time (latest block timestamp): deadlines are judged against it, not the local clock. */
export async function chainTime(ctx: ChainContext): Promise<bigint> {
  return (await ctx.publicClient.getBlock({ blockTag: "latest" })).timestamp;
}
