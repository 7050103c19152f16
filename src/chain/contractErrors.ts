// The contracts' custom errors in one place: decoding a revert (from a viem error, or from our ChainError that wraps
// one) into its error name and arguments, and the sentence a user reads for it. Code that reacts to a revert asks
// for its name here instead of matching message text.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { datasetIndexAbi, fheCommitteesAbi, rewardTokenAbi, trainingTasksAbi } from "./abis.ts";
import { COMMITTEE_STATUS, TASK_STATUS, TERM } from "./constants.ts";

type ErrorNamesOf<abi extends readonly unknown[]> = Extract<abi[number], { type: "error" }> extends { name: infer name } ? name : never;

/** Every custom error our contracts can revert with. */
export type ContractErrorName =
  | ErrorNamesOf<typeof trainingTasksAbi>
  | ErrorNamesOf<typeof datasetIndexAbi>
  | ErrorNamesOf<typeof fheCommitteesAbi>
  | ErrorNamesOf<typeof rewardTokenAbi>;

export type ContractRevert = { errorName: ContractErrorName; args: readonly unknown[] };

const errorsAbi = [...trainingTasksAbi, ...datasetIndexAbi, ...fheCommitteesAbi, ...rewardTokenAbi].filter((item) => item.type === "error");
const knownNames = new Set<string>(errorsAbi.map((e) => e.name));

/**
 * The contract error behind `err` (a viem error, or anything whose `cause` chain holds one), or undefined when it is
 * not a revert with one of our custom errors.
 * @example if (contractRevertOf(err)?.errorName === "TrainingTasksTooManyAttempts") …
 */
export function contractRevertOf(err: unknown): ContractRevert | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof BaseError)) continue;
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (!reverted) continue;
    if (reverted.data?.errorName && knownNames.has(reverted.data.errorName)) {
      return { errorName: reverted.data.errorName as ContractErrorName, args: reverted.data.args ?? [] };
    }
    // Reverted in a call whose ABI lacks the error (e.g. a token's): decode the raw data against all of ours.
    const raw = (reverted as { raw?: Hex }).raw;
    if (raw && raw.length >= 10) {
      try {
        const decoded = decodeErrorResult({ abi: errorsAbi, data: raw });
        return { errorName: decoded.errorName as ContractErrorName, args: decoded.args ?? [] };
      } catch {}
    }
  }
  return undefined;
}

const at = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString();
const statusName = (status: unknown) => TASK_STATUS[Number(status)] ?? `status ${String(status)}`;
const committeeStatusName = (status: unknown) => COMMITTEE_STATUS[Number(status)] ?? `status ${String(status)}`;

/** What a user should understand from an error, when its name and arguments alone do not say it. */
const EXPLANATIONS: { [name in ContractErrorName]?: (args: readonly unknown[]) => string } = {
  TrainingTasksWrongStatus: ([taskId, status]) => `task ${taskId} is ${statusName(status)}`,
  TrainingTasksUnknownTask: ([taskId]) => `task ${taskId} does not exist`,
  TrainingTasksTooManyAttempts: ([, round, maxAttempts]) => `round ${round} already used its ${maxAttempts} attempts`,
  TrainingTasksJoinClosed: ([, joinDeadline]) => `joining closed at ${at(joinDeadline)}`,
  TrainingTasksTaskFull: ([, maxNodes]) => `the task already has its ${maxNodes} members`,
  TrainingTasksRoundClosed: ([, round, deadline]) => `round ${round}'s window closed at ${at(deadline)}`,
  TrainingTasksWrongRound: ([, round, currentRound]) => `round ${round} is not the current round (${currentRound})`,
  TrainingTasksClaimsNotOpen: ([, claimsOpenAt]) => `claims open at ${at(claimsOpenAt)}`,
  TrainingTasksClaimsClosed: ([, claimsCloseAt]) => `claims closed at ${at(claimsCloseAt)}`,
  TrainingTasksChallengeWindowClosed: ([, claimsOpenAt]) => `the challenge window closed at ${at(claimsOpenAt)}`,
  TrainingTasksTooEarly: ([, notBefore]) => `not before ${at(notBefore)}`,
  TrainingTasksNotEnoughSubmissions: ([, round, submissions, required]) => `round ${round} has ${submissions} submissions, ${required} are needed`,
  TrainingTasksTermOutOfRange: ([term, value, min, max]) => `${TERM[Number(term)] ?? `term ${term}`} ${value} is outside this deployment's limits [${min}, ${max}]`,
  FheCommitteesUnknownCommittee: ([committeeId]) => `committee ${committeeId} does not exist`,
  FheCommitteesWrongStatus: ([committeeId, status]) => `committee ${committeeId} is ${committeeStatusName(status)}`,
  FheCommitteesUnsupportedThreshold: ([threshold, members]) => `only n-of-n committees: the threshold must be the member count ${members}, not ${threshold}`,
  FheCommitteesInvalidMembers: () => "the member list must hold 1 to 16 distinct, non-zero addresses",
  FheCommitteesTermOutOfRange: ([value, min, max]) => `${value} is outside this deployment's committee limits [${min}, ${max}]`,
  FheCommitteesNotMember: ([committeeId, account]) => `${account} has no (unslashed) seat in committee ${committeeId}`,
  FheCommitteesAlreadyDone: ([committeeId, member]) => `${member} already did this step for committee ${committeeId}`,
  FheCommitteesSetupClosed: ([committeeId, deadline]) => `the setup of committee ${committeeId} closed at ${at(deadline)}`,
  FheCommitteesSetupOpen: ([committeeId, deadline]) => `the setup of committee ${committeeId} runs until ${at(deadline)}`,
  FheCommitteesKeyMismatch: ([committeeId]) => `another member of committee ${committeeId} confirmed different keys: the members assembled different key shares`,
  FheCommitteesKeyTaken: ([keyId, committeeId]) => `committee ${committeeId} already holds key ${keyId}`,
  FheCommitteesNotCommitteeTask: ([taskId]) => `task ${taskId} is not an FHE task under the key of an active (or unbonding) committee`,
  FheCommitteesNoResult: ([taskId]) => `task ${taskId} has no result to decrypt (no submission in its current attempt, or it is not running)`,
  FheCommitteesShareClosed: ([taskId, deadline]) => `the share window of task ${taskId} closed at ${at(deadline)}`,
  FheCommitteesAlreadyShared: ([taskId, member]) => `${member} already posted for task ${taskId}'s result`,
  FheCommitteesNotSlashable: ([taskId, member, deadline]) => `${member} posted for task ${taskId}'s result, its stake is gone, or its window is open until ${at(deadline)}`,
  FheCommitteesStakeLocked: ([committeeId, unbondsAt]) => (BigInt(unbondsAt as bigint) === 0n
    ? `committee ${committeeId} still serves (or sets up): retire it first`
    : `the stakes of committee ${committeeId} unbond until ${at(unbondsAt)}`),
  FheCommitteesNothingToWithdraw: () => "nothing to withdraw",
  FheCommitteesUnsupportedToken: ([token]) => `token ${token} does not move exact amounts (fee-on-transfer tokens are refused)`,
  DatasetIndexRetired: ([datasetId]) => `dataset ${datasetId} is retired`,
  DatasetIndexUnknownDataset: ([datasetId]) => `dataset ${datasetId} does not exist`,
  ERC20InsufficientBalance: ([, balance, needed]) => `the token balance is ${balance}, ${needed} is needed`,
  ERC20InsufficientAllowance: ([, allowance, needed]) => `the token allowance is ${allowance}, ${needed} is needed`,
};

const formatArg = (a: unknown) => (typeof a === "bigint" ? a.toString() : String(a));

/**
 * One line for a revert: the error with its arguments (what the contract says, greppable), then what it means when
 * that is not plain from the name.
 * @example describeRevert({ errorName: "TrainingTasksWrongStatus", args: [1n, 3] }) // "TrainingTasksWrongStatus(1, 3): task 1 is Finished"
 */
export function describeRevert(revert: ContractRevert): string {
  const call = `${revert.errorName}(${revert.args.map(formatArg).join(", ")})`;
  const explain = EXPLANATIONS[revert.errorName];
  return explain ? `${call}: ${explain(revert.args)}` : call;
}
