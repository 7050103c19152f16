import { z } from "zod/v4";
import { DataError } from "./errors.ts";
import type { Matrix } from "./matrix.ts";
import { featureFieldsOf, labelFieldOf, type Schema } from "./schema.ts";
import type { ValidRow } from "./validateRows.ts";


/**
 * Model-ready table: standardized numbers and one-hot categories as `features`, class indices as `labels`
 * (index into `classes`). A schema without a label gives empty `labels` and `classes`.
 */
export type StandardizedTable = { columns: string[]; features: Matrix; labels: Int32Array; classes: string[] };

export type NumberStats = { name: string; type: "number"; mean: number; std: number };
export type CategoryStats = { name: string; type: "category"; categories: string[]; mode: string };

/**
 * The fitted transform, plain JSON (it goes into the manifest): per feature, in schema order, the mean and
 * population standard deviation (0 replaced by 1) of a number, or the vocabulary (the schema's categories, in
 * order) and mode of a category; and the label's classes. Applying it with `standardize` is deterministic, so
 * anyone holding the stats reproduces the same features bit for bit.
 */
export type StandardizationStats = {
  fields: (NumberStats | CategoryStats)[];
  label: { name: string; classes: string[] } | null;
};

const finite = z.number().refine(Number.isFinite, "must be finite");

/** zod schema of StandardizationStats (used by the manifest schema). */
export const standardizationStatsSchema: z.ZodType<StandardizationStats> = z.strictObject({
  fields: z.array(
    z.discriminatedUnion("type", [
      z.strictObject({ name: z.string().min(1), type: z.literal("number"), mean: finite, std: finite.refine((s) => s > 0, "must be > 0") }),
      z.strictObject({ name: z.string().min(1), type: z.literal("category"), categories: z.array(z.string()).min(1), mode: z.string() }),
    ]),
  ),
  label: z.strictObject({ name: z.string().min(1), classes: z.array(z.string()).min(1) }).nullable(),
});

/**
 * Fits the standardization of validated rows: means/stds of numbers (missing cells skipped), modes of categories
 * (ties go to the earlier category), classes of the label.
 *
 * @example
 * const stats = fitStandardizer(rows, schema)
 * const table = standardize(rows, schema, stats)
 */
export function fitStandardizer(rows: readonly ValidRow[], schema: Schema): StandardizationStats {
  if (rows.length === 0) throw new DataError("cannot fit a standardization on 0 rows: the data has no valid row left");
  const fields = featureFieldsOf(schema).map((field): NumberStats | CategoryStats => {
    if (field.type === "number") {
      const values: number[] = [];
      for (const row of rows) {
        const v = row[field.name];
        if (typeof v === "number") values.push(v);
      }
      if (values.length === 0) {
        throw new DataError(`column '${field.name}' has no values: cannot fit its mean and standard deviation`);
      }
      const mean = sum(values) / values.length;
      const std = Math.sqrt(sum(values.map((v) => (v - mean) * (v - mean))) / values.length);
      return { name: field.name, type: "number", mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
    }
    const counts = new Map(field.categories.map((c) => [c, 0]));
    for (const row of rows) {
      const v = row[field.name];
      if (typeof v === "string" && counts.has(v)) counts.set(v, counts.get(v)! + 1);
    }
    let mode = field.categories[0];
    for (const c of field.categories) if (counts.get(c)! > counts.get(mode)!) mode = c;
    if (field.missing === "mode" && counts.get(mode) === 0) {
      throw new DataError(`column '${field.name}' has no values: cannot fit its mode`);
    }
    return { name: field.name, type: "category", categories: [...field.categories], mode };
  });
  const label = labelFieldOf(schema);
  return { fields, label: label ? { name: label.name, classes: [...label.categories] } : null };
}

/** Output column names of the stats: a number keeps its name, a category gives one `name=category` per category. */
export function standardizedColumns(stats: StandardizationStats): string[] {
  return stats.fields.flatMap((f) => (f.type === "number" ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
}

/**
 * Applies fitted stats: numbers → (x − mean) / std (a missing number becomes the mean, i.e. 0), categories →
 * one-hot in vocabulary order (a missing category becomes its mode), labels → class indices.
 *
 * @example
 * const { features, labels, columns } = standardize(rows, schema, stats)
 */
export function standardize(rows: readonly ValidRow[], schema: Schema, stats: StandardizationStats): StandardizedTable {
  checkStatsMatch(schema, stats);
  const columns = standardizedColumns(stats);
  const cols = columns.length;
  const data = new Float64Array(rows.length * cols);
  const label = stats.label;
  const labels = new Int32Array(label ? rows.length : 0);
  const classIndex = new Map(label?.classes.map((c, i) => [c, i]));
  rows.forEach((row, r) => {
    let c = r * cols;
    for (const f of stats.fields) {
      const v = row[f.name];
      if (f.type === "number") {
        const x = typeof v === "number" ? v : v === null || v === undefined ? f.mean : Number.NaN;
        if (Number.isNaN(x)) throw new DataError(`row ${r + 1}, column '${f.name}': ${JSON.stringify(v)} is not a number: validate the rows first`);
        data[c++] = (x - f.mean) / f.std;
      } else {
        const value = v === null || v === undefined ? f.mode : v;
        const k = f.categories.indexOf(value as string);
        if (k < 0) throw new DataError(`row ${r + 1}, column '${f.name}': ${JSON.stringify(v)} is not a known category: validate the rows first`);
        data[c + k] = 1;
        c += f.categories.length;
      }
    }
    if (label) {
      const k = classIndex.get(row[label.name] as string);
      if (k === undefined) throw new DataError(`row ${r + 1}, column '${label.name}': ${JSON.stringify(row[label.name])} is not a known class: validate the rows first`);
      labels[r] = k;
    }
  });
  return { columns, features: { rows: rows.length, cols, data }, labels, classes: label ? [...label.classes] : [] };
}

function checkStatsMatch(schema: Schema, stats: StandardizationStats): void {
  const fields = featureFieldsOf(schema);
  const mismatch = (what: string) => new DataError(`the standardization stats do not match the schema '${schema.name}': ${what}`);
  if (fields.length !== stats.fields.length) throw mismatch(`${stats.fields.length} fields in the stats, ${fields.length} features in the schema`);
  fields.forEach((field, i) => {
    const s = stats.fields[i];
    if (s.name !== field.name || s.type !== field.type) throw mismatch(`feature ${i + 1} is '${field.name}' (${field.type}) in the schema, '${s.name}' (${s.type}) in the stats`);
    if (s.type === "category" && field.type === "category" && s.categories.join("\u0000") !== field.categories.join("\u0000")) {
      throw mismatch(`the categories of '${field.name}' differ`);
    }
  });
  const label = labelFieldOf(schema);
  if ((label?.name ?? null) !== (stats.label?.name ?? null) || (label && label.categories.join("\u0000") !== stats.label!.classes.join("\u0000"))) {
    throw mismatch("the label or its classes differ");
  }
}

/** Neumaier-compensated sum in array order: deterministic and accurate for long columns. */
function sum(values: number[]): number {
  let s = 0;
  let c = 0;
  for (const v of values) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}
