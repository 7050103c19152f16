import type { Hex } from "viem";
import { z } from "zod/v4";
import { zodIssueLines } from "../errors.ts";
import { DataError } from "./errors.ts";
import { schemaHash, type Schema } from "./schema.ts";
import {
  standardizationStatsSchema,
  standardizedColumns,
  type StandardizationStats,
  type StandardizedTable,
} from "./standardize.ts";

export type Encryption =
  | { scheme: "none" }
  | { scheme: "ckks"; polyModulusDegree: number; coeffModulusBits: number[]; scale: number; keyId: Hex };

/**
 * The public description of a dataset, stored by its root and referenced on chain (manifestRoot). Enough for a
 * task creator to check compatibility and for a node to reproduce the feature transform; `contentRoot` is the 0G
 * root of the data file (ciphertext file for FHE data, commitment for private FL data).
 */
export type Manifest = {
  format: "2pm-manifest/1";
  schemaHash: Hex;
  rows: number;
  columns: string[];
  classes: string[];
  /** Rows per class, in `classes` order; omitted when the owner opts out (encrypted data). */
  labelHistogram?: number[];
  standardization: StandardizationStats;
  encryption: Encryption;
  contentRoot: Hex;
};

const hex32 = z.custom<Hex>(
  (v) => typeof v === "string" && /^0x[0-9a-f]{64}$/.test(v),
  "must be 0x followed by 64 lowercase hex digits",
);
const count = z.number().int().nonnegative();

/** zod schema of Manifest, with consistency checks (columns and classes agree with the stats, histogram sums to rows). */
export const manifestSchema: z.ZodType<Manifest> = z
  .strictObject({
    format: z.literal("2pm-manifest/1"),
    schemaHash: hex32,
    rows: count,
    columns: z.array(z.string()),
    classes: z.array(z.string()),
    labelHistogram: z.array(count).optional(),
    standardization: standardizationStatsSchema,
    encryption: z.discriminatedUnion("scheme", [
      z.strictObject({ scheme: z.literal("none") }),
      z.strictObject({
        scheme: z.literal("ckks"),
        polyModulusDegree: z.number().int().positive(),
        coeffModulusBits: z.array(z.number().int().positive()).min(2),
        scale: z.number().positive(),
        keyId: hex32,
      }),
    ]),
    contentRoot: hex32,
  })
  .superRefine((m, ctx) => {
    const expected = standardizedColumns(m.standardization);
    if (expected.join("\u0000") !== m.columns.join("\u0000")) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: `must be the standardized columns of the stats (${expected.join(", ")})` });
    }
    const classes = m.standardization.label?.classes ?? [];
    if (classes.join("\u0000") !== m.classes.join("\u0000")) {
      ctx.addIssue({ code: "custom", path: ["classes"], message: "must be the label classes of the stats" });
    }
    if (m.labelHistogram) {
      if (m.labelHistogram.length !== m.classes.length) {
        ctx.addIssue({ code: "custom", path: ["labelHistogram"], message: `must have one count per class (${m.classes.length})` });
      } else if (m.classes.length > 0 && m.labelHistogram.reduce((a, b) => a + b, 0) !== m.rows) {
        ctx.addIssue({ code: "custom", path: ["labelHistogram"], message: `counts must add up to rows (${m.rows})` });
      }
    }
  });

/**
 * Rows per class of a table, in `classes` order.
 *
 * @example
 * labelHistogram(table) // [146, 68, 119] for the cleaned penguins
 */
export function labelHistogram(table: Pick<StandardizedTable, "labels" | "classes">): number[] {
  const counts = new Array<number>(table.classes.length).fill(0);
  for (const k of table.labels) {
    if (k < 0 || k >= counts.length) throw new DataError(`label index ${k} is outside the ${counts.length} classes`);
    counts[k]++;
  }
  return counts;
}

export type BuildManifestParameters = {
  schema: Schema;
  table: StandardizedTable;
  standardization: StandardizationStats;
  /** 0G root of the stored data file. */
  contentRoot: Hex;
  /** Default { scheme: "none" }. */
  encryption?: Encryption;
  /** Publish the label histogram (used for data rewards). Default true. */
  includeLabelHistogram?: boolean;
};

/**
 * Builds (and validates) the manifest of a standardized table.
 *
 * @example
 * const manifest = buildManifest({ schema, table, standardization: stats, contentRoot: await store.put(bytes) })
 * const manifestRoot = await putJson(store, manifest)
 */
export function buildManifest(parameters: BuildManifestParameters): Manifest {
  const { schema, table, standardization, contentRoot, encryption = { scheme: "none" } } = parameters;
  const manifest: Manifest = {
    format: "2pm-manifest/1",
    schemaHash: schemaHash(schema),
    rows: table.features.rows,
    columns: [...table.columns],
    classes: [...table.classes],
    ...(parameters.includeLabelHistogram === false ? {} : { labelHistogram: labelHistogram(table) }),
    standardization,
    encryption,
    contentRoot,
  };
  return parseManifest(manifest);
}

/**
 * Validates a manifest (a JSON string or a parsed value).
 *
 * @example
 * const manifest = parseManifest(new TextDecoder().decode(await store.get(manifestRoot)))
 */
export function parseManifest(json: string | unknown): Manifest {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new DataError(`not a valid 2PM manifest: not JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const result = manifestSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssueLines(result.error);
  throw new DataError(`not a valid 2PM manifest: ${issues[0]}`, { details: issues.join("\n") });
}
