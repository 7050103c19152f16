import { DataError } from "../errors.ts";

export type DeriveErrorOptions = {
  /** The expression text the error is about, quoted in the message. */
  source?: string;
  /** 1-based character position in `source`. */
  position?: number;
  /** 1-based data row the error happened on (evaluation errors). */
  row?: number;
  cause?: unknown;
};

/**
 * A derive expression that cannot be parsed, checked or evaluated. The one-line message says where: `in 'delay >> 15'
 * at position 8: expected a value, found '>'`, with `row 17` for errors on a data row; details point at the spot.
 */
export class DeriveError extends DataError {
  override name = "DeriveError";
  readonly source?: string;
  readonly position?: number;
  readonly row?: number;

  constructor(message: string, options: DeriveErrorOptions = {}) {
    const { source, position, row, cause } = options;
    const where = [row !== undefined ? `row ${row}` : "", source !== undefined ? `in '${source}'` : "", position !== undefined ? `at position ${position}` : ""]
      .filter(Boolean)
      .join(" ");
    const caret = source !== undefined && position !== undefined ? `${source}\n${" ".repeat(position - 1)}^` : undefined;
    super(where ? `${where}: ${message}` : message, { details: caret, cause });
    this.source = source;
    this.position = position;
    this.row = row;
  }
}
