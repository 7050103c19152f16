export { modelSpecSchema, parseModelSpec, serializeModelSpec, INT32_SUM_LIMIT } from "./modelSpec.ts";
export type { ModelSpec } from "./modelSpec.ts";
export { modelLayout, paramCount, initParams, checkTable } from "./model.ts";
export type { Table, ModelLayout, DenseLayer } from "./model.ts";
export type { Matrix } from "../data/matrix.ts";
export { trainLocal, localLearningRate } from "./trainLocal.ts";
export type { TrainLocalOptions, TrainLocalReturnType, LocalMetrics } from "./trainLocal.ts";
export { evaluate, predict, predictProba, holdoutSplit, evaluationRows, countEvaluation, LOSS_CAP } from "./evaluate.ts";
export type { EvaluateReturnType, EvaluationCounts } from "./evaluate.ts";
export {
  LOSS_SCALE,
  EVALUATION_ROW_CAPACITY,
  evaluationBlockLength,
  updateVectorLength,
  encodeEvaluationBlock,
  splitUpdateVector,
  readEvaluationSum,
} from "./evaluationBlock.ts";
export type { NodeEvaluation, EvaluationSum, ClassEvaluation } from "./evaluationBlock.ts";
export { createRng, mixSeed, permutation } from "./prng.ts";
export type { Rng } from "./prng.ts";
export { sampleCapacity, sampleFit, capacityAdvice, assertSumFits } from "./capacity.ts";
export type { FixedPointConfig, SampleFitReturnType } from "./capacity.ts";
export {
  modelDelta,
  clipDelta,
  quantizeUpdate,
  encodeUpdate,
  decodeUpdate,
  UPDATE_MAGIC,
  UPDATE_VERSION,
} from "./updateCodec.ts";
export type { QuantizeUpdateParameters, Update, UpdateHeader } from "./updateCodec.ts";
export { saKeyPair, saPublicKey, createSaCache, pairSeed, maskStream } from "./secureAggregation/keyAgreement.ts";
export type { SaKeyPair, SaCache, PairSeedParameters } from "./secureAggregation/keyAgreement.ts";
export { maskUpdate, revealSeedsFor } from "./secureAggregation/masking.ts";
export type { SaMember, SaSelf, SeedReveal, MaskUpdateParameters, RevealSeedsForParameters } from "./secureAggregation/masking.ts";
export { unmaskSum } from "./secureAggregation/recovery.ts";
export type { UnmaskSumParameters } from "./secureAggregation/recovery.ts";
export { encodeReveal, decodeReveal } from "./secureAggregation/revealFile.ts";
export type { RevealFile } from "./secureAggregation/revealFile.ts";
export { sumUpdates, fedAvg, applyDelta } from "./fedAvg.ts";
export { aggregateRound } from "./aggregateRound.ts";
export { applyServerUpdate, serverStateVectors } from "./serverOptimizer.ts";
export type { ServerState, ApplyServerUpdateReturnType } from "./serverOptimizer.ts";
export { updateNormBound } from "./roundChecks.ts";
export type {
  AggregateRoundParameters,
  AggregateRoundReturnType,
  RoundUpdateResult,
  RoundFailure,
  RoundReveal,
  RoundMetrics,
  Exclusion,
} from "./aggregateRound.ts";
export { buildUpdate } from "./buildUpdate.ts";
export type { BuildUpdateParameters } from "./buildUpdate.ts";
export { encodeRoundModel, decodeRoundModel, ROUND_MODEL_MAGIC, ROUND_MODEL_VERSION } from "./roundModel.ts";
export type { RoundModel, LegacyRoundMetrics } from "./roundModel.ts";
export {
  FlError,
  InvalidModelSpecError,
  ModelInputError,
  UpdateFormatError,
  FixedPointOverflowError,
  SecureAggregationError,
  RoundAggregationError,
} from "./errors.ts";
// Differential privacy (s7-dp)
export { createRandomSource } from "./dp/randomSource.ts";
export type { RandomSource } from "./dp/randomSource.ts";
export { sampleDiscreteGaussian, discreteGaussianVector, toRational } from "./dp/discreteGaussian.ts";
export type { Rational } from "./dp/discreteGaussian.ts";
export { dpSensitivity, nodeNoiseSigma, addNodeNoise, dpSumNormBound, MIN_NODE_SIGMA } from "./dp/distributedDp.ts";
export type { DpTerms } from "./dp/distributedDp.ts";
export { RDP_ORDERS, discreteGaussianSumEpsilon, epsilonFromRdp, dpEpsilon, dpEpsilonOfUnits, dpRoundUnits, dpCountsAttempt } from "./dp/accountant.ts";
export type { DiscreteGaussianSumParameters, DpRoundsParameters, DpRoundsReturnType } from "./dp/accountant.ts";
export { dpSumFit, assertDpSumFits, DP_NOISE_TAIL } from "./capacity.ts";
export type { DpSumFitParameters } from "./capacity.ts";
export { dpTermsOnChain, dpTermsFromChain, dpTermsMismatch } from "./dp/terms.ts";
export type { DpTermsOnChain } from "./dp/terms.ts";
