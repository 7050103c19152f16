import type { Address, Hex } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { getEvents } from "../getEvents.ts";

/** A member as MemberJoined recorded it: the dataset it brought (its version at `blockNumber`) and its SA key. */
export type MemberJoin = { node: Address; datasetId: bigint; saPublicKey: Hex; stake: bigint; blockNumber: bigint };

/**
 * A task's members in join order (readTask and the reward inputs read them here).
 * @example const joins = await readMemberJoins(ctx, 1n)
 */
export async function readMemberJoins(ctx: ChainContext, taskId: bigint): Promise<MemberJoin[]> {
  const logs = await getEvents(ctx, { address: ctx.deployments.trainingTasks.address, abi: trainingTasksAbi, eventName: "MemberJoined", args: { taskId } });
  return logs.map(({ args: a, blockNumber }) => ({ node: a.node, datasetId: a.datasetId, saPublicKey: a.saPublicKey, stake: a.stake, blockNumber }));
}
