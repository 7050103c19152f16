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
