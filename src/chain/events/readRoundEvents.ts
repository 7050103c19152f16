// TrainingTasks round events become round state here, once: the FL runner (its loops and `task show`'s history) and
// the reward inputs read them through these functions. The indexer derives the same from the same events in its
// Ponder handlers (indexer/src/TrainingTasks.ts), which write tables and cannot call log readers.
import type { Address, Hex } from "viem";
import { trainingTasksAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { getEvents } from "../getEvents.ts";

export type RoundEventsParameters = {
  taskId: bigint;
  /** One round only (else all). */
  round?: number;
  /** Read up to this block (one head for several reads describes one moment). */
  toBlock?: bigint;
};

/** A round attempt's schedule and masking-set size, as RoundStarted announced it. */
export type RoundStart = {
  round: number;
  attempt: number;
  start: bigint;
  submitDeadline: bigint;
  revealDeadline: bigint;
  finalizeDeadline: bigint;
  members: number;
  blockNumber: bigint;
};
export type SubmittedUpdate = { node: Address; round: number; attempt: number; updateRoot: Hex; samples: bigint; blockNumber: bigint };
export type SeedReveal = { node: Address; round: number; attempt: number; revealRoot: Hex };
export type RoundFinalization = {
  round: number;
  attempt: number;
  modelRoot: Hex;
  submissions: number;
  samples: bigint;
  /** Loss/accuracy × 1e6 of the global model that entered the round (round − 1's), as the contract stores them. */
  lossE6: number;
  accuracyE6: number;
  blockNumber: bigint;
};
/** RoundRestarted names the new attempt. */
export type RoundRestart = { round: number; attempt: number };
export type MemberSlash = { node: Address; round: number; amount: bigint; slasher: Address; blockNumber: bigint };

const filter = (p: RoundEventsParameters) => ({ args: p.round === undefined ? { taskId: p.taskId } : { taskId: p.taskId, round: p.round }, toBlock: p.toBlock });
const address = (ctx: ChainContext) => ctx.deployments.trainingTasks.address;

export async function readRoundStarts(ctx: ChainContext, p: RoundEventsParameters): Promise<RoundStart[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "RoundStarted", ...filter(p) });
  return logs.map(({ args: a, blockNumber }) => ({
    round: a.round, attempt: a.attempt, start: a.start, submitDeadline: a.submitDeadline, revealDeadline: a.revealDeadline,
    finalizeDeadline: a.finalizeDeadline, members: a.members, blockNumber,
  }));
}

export async function readSubmittedUpdates(ctx: ChainContext, p: RoundEventsParameters): Promise<SubmittedUpdate[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "UpdateSubmitted", ...filter(p) });
  return logs.map(({ args: a, blockNumber }) => ({ node: a.node, round: a.round, attempt: a.attempt, updateRoot: a.updateRoot, samples: a.samples, blockNumber }));
}

export async function readSeedReveals(ctx: ChainContext, p: RoundEventsParameters): Promise<SeedReveal[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "SeedsRevealed", ...filter(p) });
  return logs.map(({ args: a }) => ({ node: a.node, round: a.round, attempt: a.attempt, revealRoot: a.revealRoot }));
}

export async function readRoundFinalizations(ctx: ChainContext, p: RoundEventsParameters): Promise<RoundFinalization[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "RoundFinalized", ...filter(p) });
  return logs.map(({ args: a, blockNumber }) => ({
    round: a.round, attempt: a.attempt, modelRoot: a.modelRoot, submissions: a.submissions, samples: a.samples, lossE6: a.lossE6, accuracyE6: a.accuracyE6, blockNumber,
  }));
}

export async function readRoundRestarts(ctx: ChainContext, p: RoundEventsParameters): Promise<RoundRestart[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "RoundRestarted", ...filter(p) });
  return logs.map(({ args: a }) => ({ round: a.round, attempt: a.attempt }));
}

export async function readMemberSlashes(ctx: ChainContext, p: RoundEventsParameters): Promise<MemberSlash[]> {
  const logs = await getEvents(ctx, { address: address(ctx), abi: trainingTasksAbi, eventName: "MemberSlashed", ...filter(p) });
  return logs.map(({ args: a, blockNumber }) => ({ node: a.node, round: a.round, amount: a.amount, slasher: a.slasher, blockNumber }));
}

/** Updates committed in one round attempt. */
export async function readUpdates(ctx: ChainContext, taskId: bigint, round: number, attempt: number): Promise<SubmittedUpdate[]> {
  return (await readSubmittedUpdates(ctx, { taskId, round })).filter((u) => u.attempt === attempt);
}

/** Seed reveals published in one round attempt. */
export async function readReveals(ctx: ChainContext, taskId: bigint, round: number, attempt: number): Promise<SeedReveal[]> {
  return (await readSeedReveals(ctx, { taskId, round })).filter((r) => r.attempt === attempt);
}

export type RoundEvents = {
  starts: RoundStart[];
  updates: SubmittedUpdate[];
  reveals: SeedReveal[];
  finalizations: RoundFinalization[];
  restarts: RoundRestart[];
  slashes: MemberSlash[];
};

/**
 * Every round event of a task at one block (default: the current head, read once), so the lists describe the same
 * moment.
 * @example const { starts, finalizations } = await readRoundEvents(ctx, { taskId: 1n })
 */
export async function readRoundEvents(ctx: ChainContext, p: RoundEventsParameters): Promise<RoundEvents> {
  const at = { ...p, toBlock: p.toBlock ?? (await ctx.publicClient.getBlockNumber({ cacheTime: 0 })) };
  const [starts, updates, reveals, finalizations, restarts, slashes] = await Promise.all([
    readRoundStarts(ctx, at), readSubmittedUpdates(ctx, at), readSeedReveals(ctx, at), readRoundFinalizations(ctx, at), readRoundRestarts(ctx, at), readMemberSlashes(ctx, at),
  ]);
  return { starts, updates, reveals, finalizations, restarts, slashes };
}
