import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { keccak256, type Hex } from "viem";
import { z } from "zod/v4";
import { canonicalJsonBytes } from "../storage/canonicalJson.ts";
import { zodIssueLines } from "../errors.ts";
import { DataError } from "./errors.ts";

/**
 * What to do with a missing cell (null, absent, empty string, or one of the field's `missingValues` tokens):
 * reject the file, drop the row, or impute the column mean (numbers) / mode (numbers and categories) recorded in
 * the standardization stats.
 */
export type MissingPolicy = "reject" | "drop" | "mean" | "mode";

type FieldBase = {
  name: string;
  description?: string;
  /** Extra cell values that mean "missing" for this field, e.g. ["."] or ["NA"]. */
  missingValues?: string[];
};
export type NumberField = FieldBase & { type: "number"; min?: number; max?: number; missing?: MissingPolicy };
export type CategoryField = FieldBase & { type: "category"; categories: string[]; missing?: "reject" | "drop" | "mode" };
/** The class label: `categories` are the class names, in class-index order. */
export type LabelField = FieldBase & { type: "label"; categories: string[]; missing?: "reject" | "drop" };
export type SchemaField = NumberField | CategoryField | LabelField;

/**
 * A dataset schema. At most one label field: schemas without one describe pure-statistics datasets that FHE
 * statistics can run on but classifiers cannot train on.
 */
export type Schema = { name: string; version: string; description?: string; fields: SchemaField[] };

const text = z.string().min(1, "must not be empty");
const categories = z
  .array(text)
  .min(1, "needs at least one category")
  .refine((c) => new Set(c).size === c.length, "categories must be unique");
const base = { name: text, description: z.string().optional(), missingValues: z.array(z.string()).optional() };

const numberField = z
  .strictObject({
    ...base,
    type: z.literal("number"),
    min: z.number().optional(),
    max: z.number().optional(),
    missing: z.enum(["reject", "drop", "mean", "mode"]).optional(),
  })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: "min must be <= max", path: ["min"] });
const categoryField = z.strictObject({
  ...base,
  type: z.literal("category"),
  categories,
  missing: z.enum(["reject", "drop", "mode"]).optional(),
});
const labelField = z.strictObject({
  ...base,
  type: z.literal("label"),
  categories,
  missing: z.enum(["reject", "drop"]).optional(),
});

/** zod schema of a dataset schema file (strict: unknown keys are errors, so typos do not pass silently). */
export const schemaSchema: z.ZodType<Schema> = z
  .strictObject({
    name: text,
    version: text,
    description: z.string().optional(),
    fields: z.array(z.discriminatedUnion("type", [numberField, categoryField, labelField])).min(1, "needs at least one field"),
  })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.fields.forEach((field, i) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: "custom", message: `duplicate field name '${field.name}'`, path: ["fields", i, "name"] });
      }
      seen.add(field.name);
    });
    const labels = schema.fields.filter((f) => f.type === "label").length;
    if (labels > 1) ctx.addIssue({ code: "custom", message: `has ${labels} label fields; at most one is allowed`, path: ["fields"] });
    if (schema.fields.every((f) => f.type === "label")) {
      ctx.addIssue({ code: "custom", message: "needs at least one number or category feature", path: ["fields"] });
    }
  });

/**
 * Validates a parsed schema document; `source` names it in errors.
 *
 * @example
 * const schema = parseSchema(JSON.parse(text), "penguins.schema.json")
 */
export function parseSchema(value: unknown, source = "schema"): Schema {
  const result = schemaSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssueLines(result.error, { indexes: "brackets" });
  throw new DataError(`${source} is not a valid schema: ${issues[0]}`, { details: issues.join("\n") });
}

/**
 * Reads and validates a schema JSON file.
 *
 * @example
 * const schema = await loadSchema("schemas/penguins.schema.json")
 */
export async function loadSchema(path: string): Promise<Schema> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DataError(`cannot read the schema ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${basename(path)} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseSchema(json, basename(path));
}

/**
 * keccak256 of the schema's canonical JSON (sorted keys, no whitespace): the id registered on chain. Independent
 * of key order and formatting of the file.
 *
 * @example
 * schemaHash(await loadSchema("schemas/penguins.schema.json")) // '0x…'
 */
export function schemaHash(schema: Schema): Hex {
  return keccak256(canonicalJsonBytes(schema));
}

/** The label field of `schema`, or null for a pure-statistics schema. */
export function labelFieldOf(schema: Schema): LabelField | null {
  return schema.fields.find((f): f is LabelField => f.type === "label") ?? null;
}

/** The feature fields (numbers and categories) of `schema`, in schema order. */
export function featureFieldsOf(schema: Schema): (NumberField | CategoryField)[] {
  return schema.fields.filter((f): f is NumberField | CategoryField => f.type !== "label");
}

