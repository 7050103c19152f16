// A task's rounds as the chain recorded them (events only): every attempt with its deadlines and counts, and the
// finalized model with its metrics. What `2pm task show` prints; the indexer offers the same over GraphQL.
import type { Address, Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { readRoundEvents } from "../../chain/events/readRoundEvents.ts";
import type { RoundInfo } from "../../chain/tasks/readRound.ts";

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
  /**
   * `loss`/`accuracy`: the global model that entered this round (round − 1's; the initial model in round 1) on the
   * nodes' pooled held-out rows; `modelRoot`: the model this round produced.
   */
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
  // One head for every read (readRoundEvents), so the six event lists describe the same moment.
  const { starts, updates, reveals, finalizations, restarts, slashes } = await readRoundEvents(ctx, { taskId });
  const rounds = new Map<number, RoundHistory>();
  const attemptOf = (round: number, attempt: number) => rounds.get(round)?.attempts.find((a) => a.attempt === attempt);
  for (const s of starts) {
    if (!rounds.has(s.round)) rounds.set(s.round, { round: s.round, attempts: [] });
    const { attempt, start, submitDeadline, revealDeadline, finalizeDeadline, members } = s;
    rounds.get(s.round)!.attempts.push({ attempt, start, submitDeadline, revealDeadline, finalizeDeadline, members, submitted: [], revealed: [], restarted: false });
  }
  for (const u of updates) attemptOf(u.round, u.attempt)?.submitted.push(u.node);
  for (const r of reveals) attemptOf(r.round, r.attempt)?.revealed.push(r.node);
  // RoundRestarted names the new attempt: the one before it was given up.
  for (const r of restarts) {
    const previous = attemptOf(r.round, r.attempt - 1);
    if (previous) previous.restarted = true;
  }
  for (const f of finalizations) {
    const r = rounds.get(f.round);
    if (!r) continue;
    r.finalized = { attempt: f.attempt, modelRoot: f.modelRoot, submissions: f.submissions, samples: f.samples, loss: f.lossE6 / 1e6, accuracy: f.accuracyE6 / 1e6 };
  }
  return {
    rounds: [...rounds.values()].sort((a, b) => a.round - b.round),
    slashes: slashes.map(({ node, round, amount, slasher }) => ({ node, round, amount, slasher })),
  };
}
