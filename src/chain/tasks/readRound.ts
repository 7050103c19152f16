import type { ChainContext } from "../client.ts";
import type { RoundStart } from "../events/readRoundEvents.ts";
import { roundDeadlines } from "../schedule.ts";
import { readTaskParams, type TaskParams } from "./readTaskParams.ts";

/** A round attempt as the contract holds it now: its start (as RoundStarted announced it) and its progress. */
export type RoundInfo = Omit<RoundStart, "blockNumber"> & {
  submissions: number;
  reveals: number;
  finalized: boolean;
  samples: bigint;
};

/** The state and deadlines of a round's current (or final) attempt. */
export async function readRound(ctx: ChainContext, taskId: bigint, round: number, params?: TaskParams): Promise<RoundInfo> {
  const p = params ?? (await readTaskParams(ctx, taskId));
  const s = await ctx.contracts.trainingTasks.read.getRound([taskId, round]);
  return {
    round, attempt: s.attempt, start: s.start, ...roundDeadlines(s.start, p),
    members: s.members, submissions: s.submissions, reveals: s.reveals, finalized: s.finalized, samples: s.samples,
  };
}
