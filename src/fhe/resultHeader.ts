import type { Hex } from "viem";
import { z } from "zod/v4";
import { parseContainer } from "./container.ts";
import type { ParsedContainer } from "./container.ts";
import { FheFormatError } from "./errors.ts";
import { paramsSchema } from "./fhedHeader.ts";
import type { FheParams } from "./params.ts";

/** Statistics computeStats can produce. "mean" and "variance" are derived from encrypted sums at decryption. */
export type StatOp = "sum" | "mean" | "variance" | "scores";
export const STAT_OPS: readonly StatOp[] = ["sum", "mean", "variance", "scores"];

/** A plaintext linear model: K outputs (K = 1 for binary logistic regression), one weight per column. */
export type LinearModel = { weights: number[][]; bias: number[] };

/** The `dataset` of an entry over every input: the inputs' ciphertexts were added before the result was written. */
export const POOLED = "all";

/**
 * One ciphertext of a result. sum/sumsq: Σx or Σx² of a column over one dataset (sumsq per group of
 * `sumOfSquaresGroup` blocks), replicated in every slot — or, from a packed input, of `columns` columns from
 * `column` on, column + j's in slot j·blockSlots (the blocks after them hold 0). score: w·x + b for the rows of one
 * block. A sum with `dataset: "all"` (version 2, several inputs) is the POOLED Σx of a column over every input,
 * replicated in every slot — or, with `columns: 1, blockSlots: 1`, in slot 0 alone (the other slots 0): nobody who
 * decrypts it learns one input's own sum.
 */
export type ResultEntry =
  | { op: "sum"; dataset: number | typeof POOLED; column: number; columns?: number; blockSlots?: number }
  | { op: "sumsq"; dataset: number; column: number; group: number; columns?: number; blockSlots?: number }
  | { op: "score"; dataset: number; output: number; block: number };

/**
 * One input of a result. `sumOfSquaresLimit` bounds a column's Σx² over one group of blocks (what the encryptor
 * checked; so |x| <= its square root) and `sumOfSquaresGroups` counts the groups: the decryptor refuses sums,
 * squares and scores beyond what these allow (absent in results written before they existed).
 */
export type ResultDataset = {
  rows: number;
  sumOfSquaresLimit?: number;
  sumOfSquaresGroups?: number;
  /** Version 2: the input's block width when it was packed (its noise estimate: pooled sums cut out block totals). */
  blockSlots?: number;
};

/** Header of an encrypted result (`.fher`). */
export type FherHeader = {
  kind: "result";
  /** 2: sums over several inputs are pooled (`dataset: "all"`). Absent: version 1, one sum per input. */
  version?: 2;
  scheme: "ckks";
  params: FheParams;
  keyId: Hex;
  schemaHash: Hex;
  columns: string[];
  /** Total rows over all input datasets. */
  rows: number;
  slotsPerCiphertext: number;
  datasets: ResultDataset[];
  ops: StatOp[];
  model: LinearModel | null;
  entries: ResultEntry[];
  ciphertexts: number;
};

const int = z.number().int().min(0);
const packedFields = { columns: z.number().int().min(1).optional(), blockSlots: z.number().int().min(1).optional() };
const resultHeaderSchema = z.object({
  kind: z.literal("result"),
  version: z.literal(2).optional(),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  keyId: z.string().regex(/^0x[0-9a-f]{64}$/),
  schemaHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  columns: z.array(z.string()).min(1),
  rows: z.number().int().positive(),
  slotsPerCiphertext: z.number().int().positive(),
  datasets: z
    .array(
      z.object({
        rows: z.number().int().positive(),
        sumOfSquaresLimit: z.number().positive().optional(),
        sumOfSquaresGroups: z.number().int().positive().optional(),
        blockSlots: z.number().int().positive().optional(),
      }),
    )
    .min(1),
  ops: z.array(z.enum(["sum", "mean", "variance", "scores"])).min(1),
  model: z.object({ weights: z.array(z.array(z.number())), bias: z.array(z.number()) }).nullable(),
  entries: z.array(
    z.discriminatedUnion("op", [
      z.object({ op: z.literal("sum"), dataset: z.union([int, z.literal(POOLED)]), column: int, ...packedFields }),
      z.object({ op: z.literal("sumsq"), dataset: int, column: int, group: int, ...packedFields }),
      z.object({ op: z.literal("score"), dataset: int, output: int, block: int }),
    ]),
  ),
  ciphertexts: int,
});

/** Parses a result container and validates its header. */
export function openFher(bytes: Uint8Array): { header: FherHeader; container: ParsedContainer } {
  const container = parseContainer(bytes, "result");
  const parsed = resultHeaderSchema.safeParse(container.header);
  if (!parsed.success) {
    throw new FheFormatError("Not a valid encrypted result file (.fher): its header is malformed.", {
      details: z.prettifyError(parsed.error),
    });
  }
  const header = parsed.data as FherHeader;
  const bad = (problem: string): never => {
    throw new FheFormatError(`Not a valid encrypted result file (.fher): ${problem}.`);
  };
  if (header.ciphertexts !== container.count || header.entries.length !== container.count) {
    bad("the entries do not match the offset table");
  }
  if (header.rows !== header.datasets.reduce((sum, d) => sum + d.rows, 0))
    bad("rows is not the sum of the datasets' rows");
  const outputs = header.model?.weights.length ?? 0;
  for (const entry of header.entries) {
    if (entry.dataset === POOLED) {
      const inSlot = entry.op === "sum" && entry.columns === 1 && entry.blockSlots === 1;
      const replicated = entry.op === "sum" && entry.columns === undefined && entry.blockSlots === undefined;
      if (header.version !== 2 || !(inSlot || replicated)) bad("a pooled sum needs version 2 and one column");
    } else if (entry.dataset >= header.datasets.length) bad("an entry names a missing dataset");
    if (header.version === 2 && entry.op === "sum" && entry.dataset !== POOLED) bad("a version 2 sum is not pooled");
    if (entry.op !== "score") {
      if (entry.column + (entry.columns ?? 1) > header.columns.length) bad("an entry names a missing column");
      if ((entry.columns === undefined) !== (entry.blockSlots === undefined)) bad("an entry has columns without blockSlots");
      const block = entry.blockSlots ?? header.slotsPerCiphertext;
      if ((block & (block - 1)) !== 0 || (entry.columns ?? 1) * block > header.slotsPerCiphertext)
        bad("an entry's blocks do not fit a ciphertext");
    }
    if (entry.op === "score" && entry.output >= outputs) bad("a score entry names a missing model output");
  }
  return { header, container };
}

/**
 * Whether decrypting `header`'s result would reveal one input's own aggregate next to the others': several inputs and
 * a per-dataset sum or sum of squares (version 1 results, or any result a compute node could write). A committee
 * member declines those (shareCommitteeResult), whatever code the compute node ran.
 */
export function hasPerDatasetAggregates(header: FherHeader): boolean {
  return header.datasets.length > 1 && header.entries.some((e) => e.op !== "score" && e.dataset !== POOLED);
}
