// FHE tasks under a committee (threshold, n-of-n; contracts/interfaces/IFheCommittees.sol): each member's key setup
// (generate → commit → confirm), the member's share of a result, the publisher's combination, anyone's verification
// and slashing. Functions taking a chain context, a store and options; the CLI (`2pm committee`, `2pm fhe`) calls them.
export { memberAddresses, readCommittee, seatOf } from "./committeeChain.ts";
export type { CommitteeSeat, CommitteeView } from "./committeeChain.ts";
export { generateCommitteeKeyShare } from "./generateCommitteeKeyShare.ts";
export type { GenerateCommitteeKeyShareParameters, GenerateCommitteeKeyShareReturnType } from "./generateCommitteeKeyShare.ts";
export { commitCommitteeKeyShare } from "./commitCommitteeKeyShare.ts";
export type { CommitCommitteeKeyShareParameters, CommitCommitteeKeyShareReturnType } from "./commitCommitteeKeyShare.ts";
export { confirmCommitteeKeys } from "./confirmCommitteeKeys.ts";
export type { ConfirmCommitteeKeysEvent, ConfirmCommitteeKeysParameters, ConfirmCommitteeKeysReturnType } from "./confirmCommitteeKeys.ts";
export { shareCommitteeResult, FHE_DECLINE_FORMAT } from "./shareCommitteeResult.ts";
export type { DeclineReason, ShareCommitteeResultParameters, ShareCommitteeResultReturnType } from "./shareCommitteeResult.ts";
export { deriveCommitteePublication } from "./committeePublication.ts";
export type { CommitteeFheResult } from "./committeePublication.ts";
export { verifyFheResult } from "./verifyFheResult.ts";
export type { VerifyFheResultParameters, VerifyFheResultReturnType } from "./verifyFheResult.ts";
export { slashMissingShares } from "./slashMissingShares.ts";
export type { SlashMissingSharesReturnType } from "./slashMissingShares.ts";
export { createCommittee, failCommitteeSetup, retireCommittee, withdrawCommitteeCredit, withdrawCommitteeStake } from "./manageCommittee.ts";
export type { CreateCommitteeParameters } from "./manageCommittee.ts";
export { baseColumns, committeeComputeOptions, committeePublishedValues, readCommitteeTask, squareColumn, withSquareColumns } from "./committeeTask.ts";
export type { CommitteeTaskView } from "./committeeTask.ts";
export { memberFiles } from "./memberFiles.ts";
