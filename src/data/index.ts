export { DataError, ValidationError, type ValidationIssue } from "./errors.ts";
export { prepareDataset, type PrepareDatasetParameters, type PreparedDataset } from "./prepareDataset.ts";
export { loadRows, parseRows, type DataFormat, type ParseRowsOptions, type RawRow } from "./loadRows.ts";
export {
  buildManifest,
  labelHistogram,
  manifestSchema,
  parseManifest,
  type BuildManifestParameters,
  type Encryption,
  type Manifest,
} from "./manifest.ts";
export {
  featureFieldsOf,
  labelFieldOf,
  loadSchema,
  parseSchema,
  schemaHash,
  schemaSchema,
  type CategoryField,
  type LabelField,
  type MissingPolicy,
  type NumberField,
  type Schema,
  type SchemaField,
} from "./schema.ts";
export type { Matrix } from "./matrix.ts";
export { splitBy, trainTestSplit, type TrainTestSplitOptions } from "./split.ts";
export {
  fitStandardizer,
  standardize,
  standardizationStatsSchema,
  standardizedColumns,
  type CategoryStats,
  type NumberStats,
  type StandardizationStats,
  type StandardizedTable,
} from "./standardize.ts";
export { readStandardizedCsv, standardizedCsv, writeStandardizedCsv } from "./standardizedCsv.ts";
export { validateRows, type ValidateRowsOptions, type ValidRow } from "./validateRows.ts";
export {
  compileExpression,
  deriveColumns,
  DeriveError,
  loadDerivations,
  parseDerivation,
  parseExpression,
  rowsCsv,
  splitByExpression,
  type Derivation,
} from "./derive/index.ts";
