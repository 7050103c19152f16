import type { RawRow } from "../loadRows.ts";
import { compileExpression, text } from "./compileExpression.ts";
import { columnsOf } from "./deriveColumns.ts";

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
