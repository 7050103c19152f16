import { TwoPmError, type TwoPmErrorOptions } from "../errors.ts";

/** Base class of the data errors: schemas, data files, canonical JSON, manifests. */
export class DataError extends TwoPmError {
  override name = "DataError";
}

/** One problem found in one cell (or whole column) of a data file. `row` is the 1-based data row number. */
export type ValidationIssue = { row: number | null; column: string; message: string };

/**
 * Rows failed validation against a schema: shortMessage names the first problem, details counts them and lists
 * the first ten, `issues` holds them all.
 */
export class ValidationError extends DataError {
  override name = "ValidationError";
  readonly issues: ValidationIssue[];

  constructor(shortMessage: string, issues: ValidationIssue[], options: TwoPmErrorOptions = {}) {
    super(shortMessage, options);
    this.issues = issues;
  }
}
