// Committee (threshold, n-of-n) CKKS: contributions encrypted under a committee's collective key, which only all
// members together can decrypt. Pure library: files in, files out (see docs/fhe.md, "Committee mode").
export {
  COMMITTEE_FHE_PARAMS,
  FRESH_NOISE_BOUND,
  STATISTICAL_SECURITY_BITS,
  noiseAmplification,
  smudgingErrorBound,
  smudgingSigma,
} from "./params.ts";
export { fileId, generateKeyShare } from "./generateKeyShare.ts";
export type { GenerateKeyShareParameters, GenerateKeyShareReturnType } from "./generateKeyShare.ts";
export { assembleCommitteeKeys, readCommitteeKeys } from "./assembleCommitteeKeys.ts";
export type { CommitteeKeys } from "./assembleCommitteeKeys.ts";
export { readMemberState, writeMemberState } from "./memberState.ts";
export { shareDecryption } from "./shareDecryption.ts";
export type { ShareDecryptionParameters } from "./shareDecryption.ts";
export { combineDecryptionShares } from "./combineDecryptionShares.ts";
export type { CombineDecryptionSharesParameters } from "./combineDecryptionShares.ts";
export { varianceFromSquares } from "./varianceFromSquares.ts";
export type { CommitteeKeysHeader, DecryptionShareHeader, KeyShareHeader, MemberHeader } from "./files.ts";
