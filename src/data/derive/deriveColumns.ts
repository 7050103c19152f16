import type { RawRow } from "../loadRows.ts";
import { compileExpression, text, type DerivedValue } from "./compileExpression.ts";
import type { Derivation } from "./derivation.ts";
import { DeriveError } from "./errors.ts";

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
