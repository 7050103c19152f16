import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadRows } from "./loadRows.ts";
import { loadSchema, type Schema } from "./schema.ts";
import { fitStandardizer, standardize, standardizationStatsSchema, type StandardizationStats, type StandardizedTable } from "./standardize.ts";
import { validateRows } from "./validateRows.ts";

export type PrepareDatasetParameters = {
  schemaFile: string;
  dataFile: string;
  /** Standardize with these stats (a task's reference stats) instead of fitting them to the rows. */
  statsFile?: string;
};

export type PreparedDataset = {
  schema: Schema;
  stats: StandardizationStats;
  table: StandardizedTable;
  /** Rows read from the file. */
  rowsRead: number;
  /** The rows the schema's "drop" policy left out, counted by the field that dropped them. */
  dropped: { rows: number; byField: Record<string, number> };
};

/**
 * validate → fit → standardize: a data owner's pipeline up to the plaintext table.
 *
 * @example
 * const { table, dropped } = await prepareDataset({ schemaFile: "penguins.schema.json", dataFile: "biscoe.json" })
 */
export async function prepareDataset(p: PrepareDatasetParameters): Promise<PreparedDataset> {
  const schema = await loadSchema(path.resolve(p.schemaFile));
  const raw = await loadRows(path.resolve(p.dataFile));
  const byField: Record<string, number> = {};
  const rows = validateRows(raw, schema, { onDrop: (_row, field) => (byField[field] = (byField[field] ?? 0) + 1) });
  // Federated nodes must standardize alike: a task can publish reference stats that every owner reuses.
  const stats = p.statsFile ? standardizationStatsSchema.parse(JSON.parse(await readFile(path.resolve(p.statsFile), "utf8"))) : fitStandardizer(rows, schema);
  return { schema, stats, table: standardize(rows, schema, stats), rowsRead: raw.length, dropped: { rows: raw.length - rows.length, byField } };
}
