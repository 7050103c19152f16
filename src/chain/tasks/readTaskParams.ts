import type { Address, Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { ChainError } from "../errors.ts";

/** A task's terms, as createTask takes them and getTaskParams returns them (the contract's TaskParams). */
export type TaskParams = {
  kind: 0 | 1;
  schemaId: number;
  modelRoot: Hex;
  rounds: number;
  minNodes: number;
  maxNodes: number;
  stake: bigint;
  rewardToken: Address;
  budget: bigint;
  joinDeadline: bigint;
  roundDuration: number;
  revealDuration: number;
  aggregatorWindow: number;
  challengeWindow: number;
  /** Seconds claims stay open; what is unclaimed then returns to the creator. */
  claimPeriod: number;
  aggregator: Address;
  /** Decides disputes among the proposed payouts; neither the creator nor the aggregator, never a member. */
  resolver: Address;
  dataShareBps: number;
  computeDecayBps: number;
  dataDecayBps: number;
};

export async function readTaskParams(ctx: ChainContext, taskId: bigint): Promise<TaskParams> {
  let params;
  try {
    params = await ctx.contracts.trainingTasks.read.getTaskParams([taskId]);
  } catch {
    throw new ChainError(`task ${taskId} does not exist on ${ctx.network.name}`);
  }
  // The ABI types `kind` as a uint8; the contract's TaskKind has two members.
  return { ...params, kind: params.kind as TaskParams["kind"] };
}
