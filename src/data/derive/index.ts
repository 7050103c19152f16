export { DeriveError, type DeriveErrorOptions } from "./errors.ts";
export { parseExpression, MAX_EXPRESSION_LENGTH, type BinaryOperator, type Expression } from "./parseExpression.ts";
export { compileExpression, DERIVE_FUNCTIONS, type CompiledExpression, type DerivedValue } from "./compileExpression.ts";
export {
  columnsOf,
  deriveColumns,
  derivationFileSchema,
  loadDerivations,
  parseDerivation,
  rowsCsv,
  splitByExpression,
  type Derivation,
  type DeriveColumnsReturnType,
} from "./deriveColumns.ts";
