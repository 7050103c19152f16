export { computePayouts } from "./computePayouts.ts";
export type { ComputePayoutsOptions, ComputePayoutsParameters, ComputePayoutsReturnType } from "./computePayouts.ts";
export { normalizeRewardInputs, MAX_ROUND } from "./normalizeRewardInputs.ts";
export { roundQualities, createQualityCache, Q_ONE } from "./dataQuality.ts";
export type { DataQuality, QualityCache } from "./dataQuality.ts";
export { lnRatioFixed, FRAC_BITS, FP_ONE, LN2_FP } from "./fixedPoint.ts";
export { payoutTree, payoutRoot, payoutProof, verifyPayoutProof, PAYOUT_LEAF_ENCODING } from "./payoutTree.ts";
export type { PayoutMerkleTree, PayoutProofReturnType } from "./payoutTree.ts";
export { serializePayoutTable, parsePayoutTable, payoutTableToJson, payoutTableSchema } from "./serializePayoutTable.ts";
export type { Json } from "./serializePayoutTable.ts";
export { verifyPayoutTable } from "./verifyPayoutTable.ts";
export type { PayoutDifference, PostedSettlement, VerifyPayoutTableReturnType } from "./verifyPayoutTable.ts";
export { InvalidRewardInputsError, PayoutTableError } from "./errors.ts";
export type {
  FheContribution,
  FheDatasetContribution,
  FheRewardInputs,
  FlRewardInputs,
  PayoutLeaf,
  PayoutShare,
  PayoutTable,
  RewardInputs,
  RewardInputsBase,
  RoundContribution,
  RoundSummary,
  UpdateContribution,
} from "./types.ts";
export { collectRewardInputs, readPostedSettlement } from "./collectRewardInputs.ts";
export { computeTaskPayouts, postSettlement, settleTask } from "./settleTask.ts";
export type { SettleTaskReturnType } from "./settleTask.ts";
export { verifySettlement } from "./verifySettlement.ts";
export type { VerifySettlementOptions, VerifySettlementReturnType } from "./verifySettlement.ts";
export { claimAllPayouts, claimPayout } from "./claimPayout.ts";
export type { ClaimAllPayoutsReturnType, ClaimPayoutOptions, ClaimPayoutReturnType } from "./claimPayout.ts";
export { disputeSettlement, resolveDispute, slashMember, withdrawRefund, withdrawStake } from "./settlementActions.ts";
export type { DisputeSettlementOptions, DisputeSettlementReturnType } from "./settlementActions.ts";
export { findSettlementTransaction, readPostedTable } from "./postedTable.ts";
export type { ReadPostedTableReturnType, SettlementTransaction } from "./postedTable.ts";
export { describeChainTime, readTaskSettlementState } from "./taskSettlementState.ts";
export type { TaskSettlementState } from "./taskSettlementState.ts";
export { SettlementError } from "./settlementError.ts";
export type { SettlementErrorReason } from "./settlementError.ts";
