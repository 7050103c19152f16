import { ValidationError, type ValidationIssue } from "./errors.ts";
import type { RawRow } from "./loadRows.ts";
import type { Schema, SchemaField } from "./schema.ts";

/**
 * A validated row: one entry per schema field — numbers as numbers, categories and labels as their category
 * string, and `null` for a missing cell whose policy is "mean" or "mode" (standardize fills it from the stats).
 * Columns not in the schema are not carried over.
 */
export type ValidRow = Record<string, number | string | null>;

export type ValidateRowsOptions = {
  /** Called for each row dropped by a "drop" missing policy: 1-based data row number and the field. */
  onDrop?: (row: number, field: string) => void;
};

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_KEPT_ISSUES = 1000;

/**
 * Checks raw rows against a schema and converts them: numbers parsed (JSON numbers or CSV strings) and range
 * checked, categories and labels matched against the schema's list, missing cells handled by each field's
 * policy (default "reject"). Throws a ValidationError naming the first problem
 * (`row 17, column 'Body Mass (g)': 'abc' is not a number`, rows counted from 1 after the header) with the count
 * and the first ten in details.
 *
 * @example
 * const rows = validateRows(await loadRows("penguins.json"), await loadSchema("schemas/penguins.schema.json"))
 */
export function validateRows(rows: readonly RawRow[], schema: Schema, options: ValidateRowsOptions = {}): ValidRow[] {
  const issues: ValidationIssue[] = [];
  let count = 0;
  const report = (issue: ValidationIssue) => {
    count++;
    if (issues.length < MAX_KEPT_ISSUES) issues.push(issue);
  };

  // A column absent from every row is one problem, not one per row.
  const present = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) present.add(key);
  const absent = new Set(rows.length === 0 ? [] : schema.fields.map((f) => f.name).filter((n) => !present.has(n)));
  for (const name of absent) {
    const found = [...present].slice(0, 12).join(", ");
    report({ row: null, column: name, message: `column '${name}' is missing from the data (columns found: ${found})` });
  }

  const out: ValidRow[] = [];
  rows.forEach((row, i) => {
    const rowNumber = i + 1;
    const valid: ValidRow = {};
    let dropBy: string | null = null;
    for (const field of schema.fields) {
      if (absent.has(field.name)) continue;
      const at = (message: string) =>
        report({ row: rowNumber, column: field.name, message: `row ${rowNumber}, column '${field.name}': ${message}` });
      const raw = row[field.name];
      if (isMissing(raw, field)) {
        const policy = field.missing ?? "reject";
        if (policy === "reject") {
          at(field.type === "label" ? "missing label" : `missing value (the schema's missing policy is 'reject')`);
        } else if (policy === "drop") {
          dropBy ??= field.name;
        } else {
          valid[field.name] = null;
        }
        continue;
      }
      if (field.type === "number") {
        const value = toNumber(raw);
        if (value === null) {
          // JSON.parse reads 1e400 as Infinity: say so, instead of "null is not a number".
          at(typeof raw === "number" ? `a number beyond the float64 range (±1.8e308) is not a usable value` : `${show(raw)} is not a number`);
        } else if (field.min !== undefined && value < field.min) {
          at(`${value} is out of range: below the minimum ${field.min}`);
        } else if (field.max !== undefined && value > field.max) {
          at(`${value} is out of range: above the maximum ${field.max}`);
        } else {
          valid[field.name] = value;
        }
      } else {
        const value = typeof raw === "string" ? raw.trim() : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : null;
        if (value === null || !field.categories.includes(value)) {
          const kind = field.type === "label" ? "class" : "category";
          at(`${show(raw)} is not a known ${kind} (${list(field.categories)})`);
        } else {
          valid[field.name] = value;
        }
      }
    }
    if (dropBy !== null) options.onDrop?.(rowNumber, dropBy);
    else out.push(valid);
  });

  if (count > 0) {
    const first = issues[0];
    const listed = issues.slice(0, 10).map((issue) => `  ${issue.message}`);
    throw new ValidationError(first.message, issues, {
      details: `${count} problem${count === 1 ? "" : "s"} in ${rows.length} rows${count > 10 ? "; the first 10" : ""}:\n${listed.join("\n")}`,
    });
  }
  return out;
}

function isMissing(raw: unknown, field: SchemaField): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw !== "string") return false;
  const value = raw.trim();
  return value === "" || (field.missingValues?.includes(value) ?? false);
}

function toNumber(raw: unknown): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw === "string" && NUMBER.test(raw.trim())) {
    const value = Number(raw.trim());
    return Number.isFinite(value) ? value : null;
  }
  return null;
}

function show(raw: unknown): string {
  const text = typeof raw === "string" ? `'${raw}'` : JSON.stringify(raw) ?? String(raw);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function list(values: string[]): string {
  return values.length <= 8 ? values.join(", ") : `${values.slice(0, 8).join(", ")}, … ${values.length} in all`;
}
