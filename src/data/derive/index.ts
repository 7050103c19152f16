export { DeriveError, type DeriveErrorOptions } from "./errors.ts";
export { parseExpression, MAX_EXPRESSION_LENGTH, type BinaryOperator, type Expression } from "./parseExpression.ts";
export { compileExpression, DERIVE_FUNCTIONS, type CompiledExpression, type DerivedValue } from "./compileExpression.ts";
export { derivationFileSchema, loadDerivations, parseDerivation, type Derivation } from "./derivation.ts";
export { columnsOf, deriveColumns, type DeriveColumnsReturnType } from "./deriveColumns.ts";
export { splitByExpression } from "./splitByExpression.ts";
export { rowsCsv } from "./rowsCsv.ts";
