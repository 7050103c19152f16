// Generated from the compiler's AST (Hardhat build info) by scripts/gen-abis.ts (npm run build). Do not edit.
// The contracts' constants and enums, so no other file retypes them.

/** FheCommittees.MAX_MEMBERS (FheCommittees.sol, uint16). */
export const MAX_MEMBERS = 16;

/** TrainingTasks.MAX_DP_DELTA_E18 (TrainingTasks.sol, uint64). */
export const MAX_DP_DELTA_E18 = 100000000000000000n;

/** IDatasetIndex.Encryption (interfaces/IDatasetIndex.sol): member names by value. */
export const ENCRYPTION = ["None","CKKS"] as const;
export type EncryptionName = (typeof ENCRYPTION)[number];

/** IFheCommittees.CommitteeStatus (interfaces/IFheCommittees.sol): member names by value. */
export const COMMITTEE_STATUS = ["None","Forming","Confirming","Active","Failed","Retired","Broken"] as const;
export type CommitteeStatusName = (typeof COMMITTEE_STATUS)[number];

/** ITrainingTasks.TaskKind (interfaces/ITrainingTasks.sol): member names by value. */
export const TASK_KIND = ["FL","FHE"] as const;
export type TaskKindName = (typeof TASK_KIND)[number];

/** ITrainingTasks.TaskStatus (interfaces/ITrainingTasks.sol): member names by value. */
export const TASK_STATUS = ["None","Open","Running","Finished","Settled","Disputed","Cancelled","Abandoned"] as const;
export type TaskStatusName = (typeof TASK_STATUS)[number];

/** ITrainingTasks.Term (interfaces/ITrainingTasks.sol): member names by value. */
export const TERM = ["JoinPeriod","RoundDuration","RevealDuration","AggregatorWindow","ChallengeWindow","ClaimPeriod"] as const;
export type TermName = (typeof TERM)[number];

/** ITrainingTasks.Param (interfaces/ITrainingTasks.sol): member names by value. */
export const PARAM = ["RewardToken","Aggregator","ModelRoot","Budget","Escrow","Rounds","JoinDeadline","Bps","Decay","Schema","Nodes","FheInputs","Samples","TermLimits","DpTerms"] as const;
export type ParamName = (typeof PARAM)[number];

/** RoundFinalize.MAX_ATTEMPTS (libraries/RoundFinalize.sol, uint16). */
export const MAX_ATTEMPTS = 3;

/** RoundSubmissions._MAX_SAMPLES (libraries/RoundSubmissions.sol, uint64). */
export const MAX_SAMPLES = 281474976710655n;

/** Task.FL_MIN_SUBMISSIONS (libraries/Task.sol, uint16). */
export const FL_MIN_SUBMISSIONS = 3;

/** TaskTerms._BPS (libraries/TaskTerms.sol, uint16). */
export const BPS = 10000;

/** TaskTerms._MAX_ROUNDS (libraries/TaskTerms.sol, uint16). */
export const MAX_ROUNDS = 1000;
