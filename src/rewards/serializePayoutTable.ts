import { z } from "zod/v4";
import type { Address, Hex } from "viem";
import { zodIssueLines } from "../errors.ts";
import { PayoutTableError } from "./errors.ts";
import type { PayoutTable } from "./types.ts";

/** A JSON value as written to the payout table file: bigints become decimal strings. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * The JSON-safe form of a payout table (bigints as decimal strings, keys in a fixed order).
 * @example
 * payoutTableToJson(table).pool // "1000000"
 */
export function payoutTableToJson(table: PayoutTable): Json {
  return JSON.parse(serializePayoutTable(table)) as Json;
}

/**
 * Serializes a payout table to JSON with bigints as decimal strings. Compact by default: the same table always
 * gives the same bytes (and so the same storage root); `pretty` indents for people.
 * @example
 * await store.put(new TextEncoder().encode(serializePayoutTable(table)))
 */
export function serializePayoutTable(table: PayoutTable, options: { pretty?: boolean } = {}): string {
  return JSON.stringify(
    table,
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
    options.pretty ? 2 : undefined,
  );
}

const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, "expected a non-negative integer as a decimal string")
  .transform((s) => BigInt(s));
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x address")
  .transform((s) => s.toLowerCase() as Address);
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x hex string")
  .transform((s) => s.toLowerCase() as Hex);
const bps = z.number().int().min(0).max(10_000);
const round = z.number().int().min(1);

const update = z.object({
  node: address,
  samples: uint,
  datasetId: uint,
  datasetOwner: address,
  rows: uint,
  labelHistogram: z.array(z.number().int().min(0)).optional(),
});

const base = {
  taskId: uint,
  creator: address,
  budget: uint,
  slashed: uint,
  dataShareBps: bps,
  computeDecayBps: bps,
  dataDecayBps: bps,
};

const inputs = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("FL"),
    ...base,
    rounds: z.array(z.object({ round, updates: z.array(update) })),
  }),
  z.object({
    kind: z.literal("FHE"),
    ...base,
    fhe: z.object({
      computeNode: address,
      datasets: z.array(z.object({ datasetId: uint, datasetOwner: address, rows: uint })),
    }),
  }),
]);

const share = z.discriminatedUnion("kind", [
  z.object({ round, kind: z.literal("compute"), account: address, weight: uint, amount: uint }),
  z.object({
    round,
    kind: z.literal("data"),
    account: address,
    datasetId: uint,
    rows: uint,
    kl: uint.optional(),
    q: uint,
    weight: uint,
    amount: uint,
  }),
]);

/** zod schema of the payout table file (format "2pm-payouts/1"); parses to the in-memory {@link PayoutTable}. */
export const payoutTableSchema = z.object({
  format: z.literal("2pm-payouts/1"),
  taskId: uint,
  inputs,
  pool: uint,
  computePool: uint,
  dataPool: uint,
  rounds: z.array(
    z.object({
      round,
      computeFactor: uint,
      dataFactor: uint,
      computePool: uint,
      dataPool: uint,
      computeWeight: uint,
      dataWeight: uint,
    }),
  ),
  shares: z.array(share),
  remainder: uint,
  leaves: z.array(z.object({ account: address, amount: uint })),
  total: uint,
  root: bytes32,
});

/**
 * Parses payout table JSON (a string or an already parsed value). Checks the shape only; whether the numbers are
 * right is `verifyPayoutTable`'s job. Throws PayoutTableError.
 * @example
 * const posted = parsePayoutTable(new TextDecoder().decode(await store.get(tableRoot)))
 */
export function parsePayoutTable(json: string | unknown): PayoutTable {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new PayoutTableError("The payout table is not valid JSON: re-fetch it from storage.", { cause });
    }
  }
  const result = payoutTableSchema.safeParse(value);
  if (!result.success) {
    const issues = zodIssueLines(result.error, { root: "(root)" });
    throw new PayoutTableError(`The payout table is malformed at ${issues[0]}.`, { details: issues.join("\n"), cause: result.error });
  }
  return result.data as PayoutTable;
}
