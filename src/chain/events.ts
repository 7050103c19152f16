import type { Abi, AbiEvent, Address, Log } from "viem";
import { explainChainError } from "./errors.ts";
import type { ChainContext } from "./client.ts";

export type GetEventsParameters = {
  address: Address;
  abi: Abi | readonly unknown[];
  eventName: string;
  args?: Record<string, unknown>;
  fromBlock?: bigint;
  toBlock?: bigint;
  /** Blocks per getLogs request (RPCs cap ranges; 0G's public RPC caps at a few thousand). */
  pageSize?: bigint;
};

/**
 * All logs of one event, decoded, paging over the block range so large ranges work on capped RPCs.
 * @example const joins = await getEvents(ctx, { address, abi: trainingTasksAbi, eventName: "MemberJoined", args: { taskId: 1n } })
 */
export async function getEvents(ctx: ChainContext, params: GetEventsParameters): Promise<Array<Log & { args: Record<string, unknown>; eventName: string }>> {
  const fromBlock = params.fromBlock ?? BigInt(ctx.deployments.startBlock);
  // cacheTime 0: right after a transaction the cached head can miss the events the contract already counted.
  const toBlock = params.toBlock ?? (await ctx.publicClient.getBlockNumber({ cacheTime: 0 }));
  const pageSize = params.pageSize ?? 5_000n;
  const event = (params.abi as AbiEvent[]).find((item) => item.type === "event" && item.name === params.eventName);
  if (!event) throw new Error(`event ${params.eventName} is not in the ABI`);
  const logs: Array<Log & { args: Record<string, unknown>; eventName: string }> = [];
  for (let start = fromBlock; start <= toBlock; start += pageSize) {
    const end = start + pageSize - 1n < toBlock ? start + pageSize - 1n : toBlock;
    try {
      const page = await ctx.publicClient.getLogs({ address: params.address, event, args: params.args as never, fromBlock: start, toBlock: end, strict: true });
      logs.push(...(page as unknown as Array<Log & { args: Record<string, unknown>; eventName: string }>));
    } catch (err) {
      throw explainChainError(err, `reading ${params.eventName} events (blocks ${start}-${end})`);
    }
  }
  return logs;
}
