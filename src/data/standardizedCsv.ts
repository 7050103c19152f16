import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { stringify } from "csv-stringify/sync";
import { writePrivateFile } from "../storage/atomicWrite.ts";
import { DataError } from "./errors.ts";
import { parseRows } from "./loadRows.ts";
import type { StandardizedTable } from "./standardize.ts";

/**
 * Serializes a standardized table as CSV: a header of the feature columns (+ "label" when there are classes),
 * then one line per row; numbers in JavaScript's shortest round-trip form (reading them back gives the same
 * float64 bits), labels as class names. Deterministic, so its 0G root can serve as the commitment to a node's
 * private training data.
 *
 * @example
 * const bytes = new TextEncoder().encode(standardizedCsv(table))
 */
export function standardizedCsv(table: StandardizedTable): string {
  const { rows, cols, data } = table.features;
  const hasLabel = table.classes.length > 0;
  const records: (string | number)[][] = [[...table.columns, ...(hasLabel ? ["label"] : [])]];
  for (let r = 0; r < rows; r++) {
    const cells: (string | number)[] = Array.from(data.subarray(r * cols, (r + 1) * cols));
    if (hasLabel) cells.push(table.classes[table.labels[r]]);
    records.push(cells);
  }
  // csv-stringify quotes only cells holding a comma, quote or line break, and writes numbers as String(x): the bytes
  // (and so the 0G root) are those of the hand-written serializer this replaced.
  return stringify(records);
}

/** Writes standardizedCsv(table) to `path` atomically, private (0600; directories it creates 0700): it is the owner's data. */
export async function writeStandardizedCsv(path: string, table: StandardizedTable): Promise<void> {
  await writePrivateFile(path, standardizedCsv(table));
}

/**
 * Reads a file written by writeStandardizedCsv. `classes` gives the class order (from the manifest or schema);
 * it is needed when the file has a label column.
 *
 * @example
 * const table = await readStandardizedCsv("train.csv", { classes: manifest.classes })
 */
export async function readStandardizedCsv(path: string, options: { classes?: string[] } = {}): Promise<StandardizedTable> {
  const name = basename(path);
  const records = parseRows(await readFile(path, "utf8"), { format: "csv", name });
  const header = Object.keys(records[0] ?? {});
  const hasLabel = header.at(-1) === "label";
  const columns = hasLabel ? header.slice(0, -1) : header;
  const classes = hasLabel ? (options.classes ?? []) : [];
  if (hasLabel && classes.length === 0) throw new DataError(`${name} has a label column: pass the classes to read it`);
  const cols = columns.length;
  const data = new Float64Array(records.length * cols);
  const labels = new Int32Array(hasLabel ? records.length : 0);
  records.forEach((record, r) => {
    columns.forEach((column, c) => {
      const x = Number(record[column]);
      if (!Number.isFinite(x) || record[column] === "") throw new DataError(`${name} row ${r + 1}, column '${column}': not a number`);
      data[r * cols + c] = x;
    });
    if (hasLabel) {
      const k = classes.indexOf(String(record.label));
      if (k < 0) throw new DataError(`${name} row ${r + 1}: label '${String(record.label)}' is not one of ${classes.join(", ")}`);
      labels[r] = k;
    }
  });
  return { columns, features: { rows: records.length, cols, data }, labels, classes: [...classes] };
}
