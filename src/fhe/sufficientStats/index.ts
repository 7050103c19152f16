// Models from encrypted sufficient statistics: contributors encrypt their statistics vector under a public key
// (an owner's or a committee's), the compute node adds the files without any key, and the key holder (or the
// committee, by shares) decrypts the pooled statistics once enough distinct contributors are in the sum.
export { encryptStatistics } from "./encryptStatistics.ts";
export type { EncryptStatisticsParameters } from "./encryptStatistics.ts";
export { addStatistics } from "./addStatistics.ts";
export { decryptStatistics } from "./decryptStatistics.ts";
export type { DecryptStatisticsOptions, DecryptStatisticsReturnType } from "./decryptStatistics.ts";
export { shareStatisticsDecryption } from "./shareStatisticsDecryption.ts";
export type { ShareStatisticsDecryptionParameters } from "./shareStatisticsDecryption.ts";
export { combineStatisticsShares } from "./combineStatisticsShares.ts";
export type { CombineStatisticsSharesParameters } from "./combineStatisticsShares.ts";
export { MIN_CONTRIBUTORS_FLOOR, assertMinContributors } from "./contributors.ts";
export { MAX_CONTRIBUTIONS, STATISTICS_FORMAT, openStatistics, statisticsScaleBits } from "./header.ts";
export type { StatisticsHeader } from "./header.ts";
export { PUBLICATION_GRID_BITS } from "./pooledStatistics.ts";
