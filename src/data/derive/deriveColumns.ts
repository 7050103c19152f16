import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { stringify } from "csv-stringify/sync";
import { z } from "zod/v4";
import { zodIssueLines } from "../../errors.ts";
import type { RawRow } from "../loadRows.ts";
import { DeriveError } from "./errors.ts";
import { compileExpression, text, type DerivedValue } from "./compileExpression.ts";

/** One derived column: its name and the expression that computes it from a row (docs/data.md "Deriving columns"). */
export type Derivation = { name: string; expression: string };

/** What a derived column holds: each distinct value and its count, when there are at most this many. */
const MAX_COUNTED_VALUES = 20;

export type DeriveColumnsReturnType = {
  /** The input columns (in order of first appearance), then the derived ones. */
  columns: string[];
  /** New rows (the input is not changed): the input cells, then the derived values (null = missing). */
  rows: RawRow[];
  /** Per derivation: how many rows it left missing, and its values with counts (undefined: more than 20 distinct). */
  derived: Array<Derivation & { missing: number; counts?: Array<[string, number]> }>;
};

const columnName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .regex(/^[^=`"'\n\r]+$/, "must not contain =, quotes or line breaks");
/** zod schema of a derivation file: `{ "columns": [{ "name": "season", "expression": "season(date)" }, …] }`. */
export const derivationFileSchema = z.strictObject({
  columns: z.array(z.strictObject({ name: columnName, expression: z.string().min(1, "must not be empty") })).min(1, "needs at least one column"),
});

/**
 * Reads `name=expression` (the `--column` form): the name is everything before the first "=", trimmed.
 *
 * @example
 * parseDerivation("late = delay > 15") // { name: "late", expression: "delay > 15" }
 */
export function parseDerivation(definition: string): Derivation {
  const at = definition.indexOf("=");
  const name = at < 0 ? "" : definition.slice(0, at);
  const parsed = columnName.safeParse(name);
  if (at < 0 || definition[at + 1] === "=" || /[<>!]$/.test(name) || !parsed.success)
    throw new DeriveError(`'${definition}' is not name=expression${parsed.success || at < 0 ? "" : `: the name ${parsed.error.issues[0].message}`} (e.g. late=delay>15)`);
  return { name: parsed.data, expression: definition.slice(at + 1).trim() };
}

/**
 * Reads a derivation file (JSON, checked with derivationFileSchema).
 *
 * @example
 * const derivations = await loadDerivations("derive.json")
 */
export async function loadDerivations(path: string): Promise<Derivation[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new DeriveError(`cannot read the derivation file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = derivationFileSchema.safeParse(json);
  if (!result.success) {
    const issues = zodIssueLines(result.error, { indexes: "brackets" });
    throw new DeriveError(`${basename(path)} is not a derivation file: ${issues[0]}`);
  }
  return result.data.columns;
}

/** The columns of raw rows, in order of first appearance. */
export function columnsOf(rows: readonly RawRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Adds derived columns to raw rows. Each expression is checked before any row is evaluated, and may read the input
 * columns and the columns derived before it; a name that is already a column is refused. The first row an expression
 * fails on stops everything (a DeriveError with the row and position): no half-derived table.
 *
 * @example
 * const { rows } = deriveColumns(await loadRows("seattle-weather.csv"), [{ name: "season", expression: "season(date)" }])
 */
export function deriveColumns(rows: readonly RawRow[], derivations: readonly Derivation[]): DeriveColumnsReturnType {
  const columns = columnsOf(rows);
  const known = new Set(columns);
  const compiled = derivations.map((d) => {
    if (known.has(d.name)) throw new DeriveError(`column '${d.name}' exists already: give the derived column another name`);
    const evaluate = compileExpression(d.expression, known);
    known.add(d.name);
    columns.push(d.name);
    return evaluate;
  });
  // Null-prototype rows: a column named "__proto__" is an ordinary cell.
  const out = rows.map((row) => Object.assign(Object.create(null) as RawRow, row));
  const derived = derivations.map((d, i) => {
    const counts = new Map<string, number>();
    let missing = 0;
    out.forEach((row, r) => {
      const value: DerivedValue = compiled[i](row, r + 1);
      row[d.name] = value;
      if (value === null) missing++;
      else if (counts.size <= MAX_COUNTED_VALUES) counts.set(text(value), (counts.get(text(value)) ?? 0) + 1);
    });
    return { ...d, missing, counts: counts.size <= MAX_COUNTED_VALUES ? [...counts] : undefined };
  });
  return { columns, rows: out, derived };
}

/**
 * Groups rows by the value of an expression (`season(date)`, `bucket(distance, [500, 1000])`), like splitBy does by a
 * field: in order of first appearance, keyed by the value as text, missing values under "".
 *
 * @example
 * splitByExpression(rows, "season(date)") // Map { "winter" => [...], "spring" => [...], … }
 */
export function splitByExpression<R extends RawRow>(rows: readonly R[], expression: string): Map<string, R[]> {
  const evaluate = compileExpression(expression, new Set(columnsOf(rows)));
  const groups = new Map<string, R[]>();
  rows.forEach((row, i) => {
    const key = text(evaluate(row, i + 1)); // missing → ""
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  });
  return groups;
}

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
