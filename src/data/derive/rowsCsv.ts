import { stringify } from "csv-stringify/sync";
import type { RawRow } from "../loadRows.ts";
import { text, type DerivedValue } from "./compileExpression.ts";

/**
 * The CSV text of rows: a header of `columns`, then one line per row; numbers in shortest round-trip form, booleans
 * as true/false, missing cells empty (csv-stringify quotes only cells that need it).
 *
 * @example
 * rowsCsv(["a", "late"], [{ a: 1, late: true }]) // "a,late\n1,true\n"
 */
export function rowsCsv(columns: readonly string[], rows: readonly RawRow[]): string {
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : text(v as DerivedValue);
  return stringify([[...columns], ...rows.map((row) => columns.map((c) => cell(Object.hasOwn(row, c) ? row[c] : undefined)))]);
}
