import type { Address, Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { TASK_STATUS, type TaskStatusName } from "../constants.ts";
import { readMemberJoins } from "../events/readMemberJoins.ts";
import { readTaskParams, type TaskParams } from "./readTaskParams.ts";

export type TaskMember = { node: Address; datasetId: bigint; saPublicKey: Hex; joinIndex: number; slashed: boolean; stakeWithdrawn: boolean };

export type TaskView = {
  taskId: bigint;
  params: TaskParams;
  creator: Address;
  status: TaskStatusName;
  currentRound: number;
  activeMembers: number;
  members: TaskMember[];
};

/** A task with its members (join order) from MemberJoined events and their current flags. */
export async function readTask(ctx: ChainContext, taskId: bigint): Promise<TaskView> {
  const params = await readTaskParams(ctx, taskId);
  const [creator, status, currentRound, activeMembers] = await ctx.contracts.trainingTasks.read.getTaskState([taskId]);
  const members: TaskMember[] = [];
  for (const join of await readMemberJoins(ctx, taskId)) {
    const m = await ctx.contracts.trainingTasks.read.getMember([taskId, join.node]);
    members.push({ node: join.node, datasetId: join.datasetId, saPublicKey: join.saPublicKey, joinIndex: m.joinIndex, slashed: m.slashed, stakeWithdrawn: m.stakeWithdrawn });
  }
  return { taskId, params, creator, status: TASK_STATUS[status], currentRound, activeMembers, members };
}
