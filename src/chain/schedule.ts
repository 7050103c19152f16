// The contract's schedule arithmetic as pure functions (contracts/libraries/RoundSchedule.sol; TrainingTasks' claim
// window), so the library and the indexer derive deadlines the way the contract does, in one place.

export type RoundDurations = { roundDuration: number; revealDuration: number; aggregatorWindow: number };
export type RoundDeadlines = { submitDeadline: bigint; revealDeadline: bigint; finalizeDeadline: bigint };

/**
 * A round attempt's deadlines from its start (RoundSchedule.submitDeadline / revealDeadline / finalizeDeadline).
 * @example roundDeadlines(1_000n, { roundDuration: 60, revealDuration: 30, aggregatorWindow: 30 }) // 1060n, 1090n, 1120n
 */
export function roundDeadlines(start: bigint, d: RoundDurations): RoundDeadlines {
  const submitDeadline = start + BigInt(d.roundDuration);
  const revealDeadline = submitDeadline + BigInt(d.revealDuration);
  return { submitDeadline, revealDeadline, finalizeDeadline: revealDeadline + BigInt(d.aggregatorWindow) };
}

/** When claims close: `claimPeriod` seconds after they open (what is unclaimed then returns to the creator). */
export const claimsCloseAt = (claimsOpenAt: bigint, claimPeriod: number | bigint): bigint => claimsOpenAt + BigInt(claimPeriod);
