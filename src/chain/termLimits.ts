// The bounds on task terms a TrainingTasks deployment enforces, and on committee terms an FheCommittees deployment
// enforces (constructor arguments, immutable). A public chain
// needs windows long enough for members to verify and dispute a settlement and short enough that nobody's stake is
// held hostage; a local chain keeps them short so that demos and tests run in seconds.
import type { ChainContext } from "./client.ts";

/** Seconds; the contract's `TermLimits`. */
export type TermLimits = {
  minWindow: number;
  maxWindow: number;
  minChallengeWindow: number;
  maxChallengeWindow: number;
  maxJoinPeriod: number;
  minClaimPeriod: number;
  maxClaimPeriod: number;
};

const HOUR = 3_600;
const DAY = 24 * HOUR;

/** 0G Galileo and mainnet: a challenge window of at least an hour, claims open for at least a week. */
export const PUBLIC_TERM_LIMITS: TermLimits = {
  minWindow: 60,
  maxWindow: 7 * DAY,
  minChallengeWindow: HOUR,
  maxChallengeWindow: 7 * DAY,
  maxJoinPeriod: 30 * DAY,
  minClaimPeriod: 7 * DAY,
  maxClaimPeriod: 365 * DAY,
};

/** Local chains (hardhat, localhost): one-second minimums, the public maximums. */
export const LOCAL_TERM_LIMITS: TermLimits = {
  ...PUBLIC_TERM_LIMITS,
  minWindow: 1,
  minChallengeWindow: 1,
  minClaimPeriod: 1,
};

/** The limits of the network named `networkName` (deployments use them; `--network` names as in hardhat.config). */
export function termLimitsFor(networkName: string): TermLimits {
  return networkName === "zgGalileo" || networkName === "zgMainnet" ? PUBLIC_TERM_LIMITS : LOCAL_TERM_LIMITS;
}

/** Seconds; FheCommittees' `CommitteeLimits` (constructor argument, immutable). */
export type CommitteeLimits = {
  maxSetupPeriod: number;
  minUnbondingPeriod: number;
  maxUnbondingPeriod: number;
};

/**
 * 0G Galileo and mainnet: stakes stay slashable at least 14 days after a committee retires or breaks — the longest
 * share window of a task that started just before (round + reveal duration, each at most maxWindow = 7 days), so a
 * member cannot retire to dodge a result already computed.
 */
export const PUBLIC_COMMITTEE_LIMITS: CommitteeLimits = {
  maxSetupPeriod: 30 * DAY,
  minUnbondingPeriod: 14 * DAY,
  maxUnbondingPeriod: 365 * DAY,
};

/** Local chains: a one-minute minimum unbonding, so demos and tests withdraw in seconds. */
export const LOCAL_COMMITTEE_LIMITS: CommitteeLimits = { ...PUBLIC_COMMITTEE_LIMITS, minUnbondingPeriod: 60 };

/** The committee limits of the network named `networkName` (as termLimitsFor). */
export function committeeLimitsFor(networkName: string): CommitteeLimits {
  return networkName === "zgGalileo" || networkName === "zgMainnet" ? PUBLIC_COMMITTEE_LIMITS : LOCAL_COMMITTEE_LIMITS;
}

/** The limits the deployed contract enforces (read, so the CLI can refuse bad terms before sending anything). */
export async function readTermLimits(ctx: ChainContext): Promise<TermLimits> {
  return ctx.contracts.trainingTasks.read.termLimits();
}
