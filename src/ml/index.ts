// Models from sufficient statistics (pure float64, no FHE): the layout a task's contributors compute, the
// plaintext statistics, and the closed-form fits. The encrypted path is src/fhe/sufficientStats.
export { MlError } from "./errors.ts";
export {
  parseStatisticsLayout,
  statisticBounds,
  statisticName,
  statisticOutOfBounds,
  statisticsLayoutSchema,
  statisticsOffsets,
  triangle,
  triangleIndex,
} from "./statisticsLayout.ts";
export type { StatisticsLayout, StatisticsOffsets } from "./statisticsLayout.ts";
export { addStatisticsPlain, localStatistics } from "./localStatistics.ts";
export type { StatisticsTable } from "./localStatistics.ts";
export {
  accuracy,
  choleskyFactor,
  choleskySolve,
  fitGaussianNaiveBayes,
  fitLda,
  fitQda,
  fitRidge,
  predictClasses,
  predictValues,
  rmse,
} from "./closedForm.ts";
export type {
  Classifier,
  ClosedFormModel,
  GaussianNaiveBayes,
  LinearClassifier,
  QuadraticClassifier,
  RidgeModel,
} from "./closedForm.ts";
