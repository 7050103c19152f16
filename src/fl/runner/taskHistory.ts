// A task's rounds as the chain recorded them (events only): every attempt with its deadlines and counts, and the
// finalized model with its metrics. What `2pm task show` prints; the indexer offers the same over GraphQL.
import type { Address, Hex } from "viem";
import { trainingTasksAbi } from "../../chain/abis.ts";
import type { ChainContext } from "../../chain/client.ts";
import type { RoundInfo } from "../../chain/tasks.ts";
import { getEvents } from "../../chain/events.ts";

/** One attempt of a round: its schedule and member count (`members`: active members when it started, its masking set). */
export type AttemptHistory = Pick<RoundInfo, "attempt" | "start" | "submitDeadline" | "revealDeadline" | "finalizeDeadline" | "members"> & {
  /** Nodes with an update in this attempt (join order of their submissions). */
  submitted: Address[];
  /** Nodes that revealed seeds in this attempt. */
  revealed: Address[];
  /** The aggregator re-ran the round after this attempt. */
  restarted: boolean;
};

export type RoundHistory = {
  round: number;
  attempts: AttemptHistory[];
  finalized?: { attempt: number; modelRoot: Hex; submissions: number; samples: bigint; loss: number; accuracy: number };
};

export type TaskHistory = {
  rounds: RoundHistory[];
  slashes: { node: Address; round: number; amount: bigint; slasher: Address }[];
};

/**
 * Reads a task's round history from TrainingTasks events: attempts (RoundStarted, RoundRestarted), submissions
 * (UpdateSubmitted), reveals (SeedsRevealed), finalized models (RoundFinalized, metrics ÷ 1e6) and slashes.
 *
 * @example
 * const { rounds } = await readTaskHistory(ctx, 1n)
 * for (const r of rounds) console.log(r.round, r.attempts.length, r.finalized?.accuracy)
 */
export async function readTaskHistory(ctx: ChainContext, taskId: bigint): Promise<TaskHistory> {
  const address = ctx.deployments.trainingTasks.address;
  // One head for every read, so the six event lists describe the same moment.
  const toBlock = await ctx.publicClient.getBlockNumber({ cacheTime: 0 });
  const read = (eventName: string) => getEvents(ctx, { address, abi: trainingTasksAbi, eventName, args: { taskId }, toBlock });
  const [started, updates, reveals, finals, restarts, slashed] = await Promise.all(
    ["RoundStarted", "UpdateSubmitted", "SeedsRevealed", "RoundFinalized", "RoundRestarted", "MemberSlashed"].map(read),
  );
  const rounds = new Map<number, RoundHistory>();
  const attemptOf = (round: number, attempt: number) => rounds.get(round)?.attempts.find((a) => a.attempt === attempt);
  for (const l of started) {
    const round = Number(l.args.round);
    if (!rounds.has(round)) rounds.set(round, { round, attempts: [] });
    rounds.get(round)!.attempts.push({
      attempt: Number(l.args.attempt),
      start: l.args.start as bigint,
      submitDeadline: l.args.submitDeadline as bigint,
      revealDeadline: l.args.revealDeadline as bigint,
      finalizeDeadline: l.args.finalizeDeadline as bigint,
      members: Number(l.args.members),
      submitted: [],
      revealed: [],
      restarted: false,
    });
  }
  for (const l of updates) attemptOf(Number(l.args.round), Number(l.args.attempt))?.submitted.push(l.args.node as Address);
  for (const l of reveals) attemptOf(Number(l.args.round), Number(l.args.attempt))?.revealed.push(l.args.node as Address);
  // RoundRestarted names the new attempt: the one before it was given up.
  for (const l of restarts) {
    const previous = attemptOf(Number(l.args.round), Number(l.args.attempt) - 1);
    if (previous) previous.restarted = true;
  }
  for (const l of finals) {
    const r = rounds.get(Number(l.args.round));
    if (!r) continue;
    r.finalized = {
      attempt: Number(l.args.attempt),
      modelRoot: l.args.modelRoot as Hex,
      submissions: Number(l.args.submissions),
      samples: l.args.samples as bigint,
      loss: Number(l.args.lossE6) / 1e6,
      accuracy: Number(l.args.accuracyE6) / 1e6,
    };
  }
  return {
    rounds: [...rounds.values()].sort((a, b) => a.round - b.round),
    slashes: slashed.map((l) => ({
      node: l.args.node as Address,
      round: Number(l.args.round),
      amount: l.args.amount as bigint,
      slasher: l.args.slasher as Address,
    })),
  };
}
