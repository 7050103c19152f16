import { chainTime } from "./chainTime.ts";
import type { ChainContext } from "./client.ts";

/**
 * The chain time to check a deadline against before sending a transaction. A local dev chain mines only on
 * transactions, so its clock stands still between them and a check against it would refuse what the next block
 * allows: there, an empty block is mined first when the wall clock is ahead. Other chains: `chainTime`.
 */
export async function deadlineClock(ctx: ChainContext): Promise<bigint> {
  const latest = await chainTime(ctx);
  if (!ctx.network.local || BigInt(Math.floor(Date.now() / 1000)) <= latest) return latest;
  await ctx.publicClient.request({ method: "evm_mine" as never, params: [] as never });
  return chainTime(ctx);
}
