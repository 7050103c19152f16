import type { Abi, Address, ContractEventArgs, ContractEventName, GetContractEventsReturnType } from "viem";
import { explainChainError } from "./errors.ts";
import type { ChainContext } from "./client.ts";

export type GetEventsParameters<abi extends Abi, eventName extends ContractEventName<abi>> = {
  address: Address;
  abi: abi;
  eventName: eventName;
  /** Indexed arguments to filter on. */
  args?: ContractEventArgs<abi, eventName>;
  fromBlock?: bigint;
  toBlock?: bigint;
  /** Blocks per getLogs request (RPCs cap ranges; 0G's public RPC caps at a few thousand). */
  pageSize?: bigint;
};

/** Decoded logs, typed by the event's ABI (strict: every argument present). */
export type GetEventsReturnType<abi extends Abi, eventName extends ContractEventName<abi>> = GetContractEventsReturnType<abi, eventName, true, bigint, bigint>;

/**
 * All logs of one event, decoded, paging over the block range so large ranges work on capped RPCs.
 * @example const joins = await getEvents(ctx, { address, abi: trainingTasksAbi, eventName: "MemberJoined", args: { taskId: 1n } })
 */
export async function getEvents<const abi extends Abi, eventName extends ContractEventName<abi>>(
  ctx: ChainContext,
  params: GetEventsParameters<abi, eventName>,
): Promise<GetEventsReturnType<abi, eventName>> {
  const fromBlock = params.fromBlock ?? BigInt(ctx.deployments.startBlock);
  // cacheTime 0: right after a transaction the cached head can miss the events the contract already counted.
  const toBlock = params.toBlock ?? (await ctx.publicClient.getBlockNumber({ cacheTime: 0 }));
  const pageSize = params.pageSize ?? 5_000n;
  const logs: GetEventsReturnType<abi, eventName> = [];
  for (let start = fromBlock; start <= toBlock; start += pageSize) {
    const end = start + pageSize - 1n < toBlock ? start + pageSize - 1n : toBlock;
    try {
      const page = await ctx.publicClient.getContractEvents({
        address: params.address, abi: params.abi, eventName: params.eventName, args: params.args, fromBlock: start, toBlock: end, strict: true,
      } as Parameters<typeof ctx.publicClient.getContractEvents>[0]);
      logs.push(...(page as GetEventsReturnType<abi, eventName>));
    } catch (err) {
      throw explainChainError(err, `reading ${params.eventName} events (blocks ${start}-${end})`);
    }
  }
  return logs;
}
