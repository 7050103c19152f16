// The bounds on task terms a TrainingTasks deployment enforces (constructor argument, immutable). A public chain
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

/** The limits the deployed contract enforces (read, so the CLI can refuse bad terms before sending anything). */
export async function readTermLimits(ctx: ChainContext): Promise<TermLimits> {
  return ctx.contracts.trainingTasks.read.termLimits();
}
