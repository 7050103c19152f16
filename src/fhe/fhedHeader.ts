import type { Hex } from "viem";
import { z } from "zod/v4";
import { parseContainer, readPrefixFromFile } from "./container.ts";
import type { ContainerKind, ParsedContainer, ParsedPrefix } from "./container.ts";
import { FheFormatError } from "./errors.ts";
import type { FheParams } from "./params.ts";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x + 64 lowercase hex digits");
const count = z.number().int().min(0);

export const paramsSchema = z.object({
  polyModulusDegree: z.number().int().positive(),
  coeffModulusBits: z.array(z.number().int().positive()).min(2),
  scale: z.number().positive(),
});

const dataHeaderSchema = z.object({
  kind: z.literal("data"),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  keyId: hex32,
  schemaHash: hex32,
  columns: z.array(z.string()).min(1),
  rows: z.number().int().positive(),
  standardization: z.unknown(),
  slotsPerCiphertext: z.number().int().positive(),
  ciphertextsPerColumn: z.number().int().positive(),
  ciphertexts: count,
  encryption: z.enum(["symmetric", "public"]),
  level: z.enum(["compact", "full"]),
  ciphertextPrimes: z.number().int().positive(),
  sumOfSquaresGroup: z.number().int().positive(),
  columnsPerCiphertext: z.number().int().min(2).optional(),
  blockSlots: z.number().int().positive().optional(),
});

/**
 * Header of a `.fhed` file (public: it reveals the shape and the standardization, never values).
 * `level` "compact" stores ciphertexts with 2 primes (enough for one multiplication: variances, linear scores)
 * instead of all data primes; `sumOfSquaresGroup` is how many consecutive ciphertexts of a column the compute node
 * may add after squaring without exceeding the CKKS headroom.
 * A small table (rows <= slots / 2) packs `columnsPerCiphertext` columns into each ciphertext, column j of a
 * ciphertext in slots [j·blockSlots, j·blockSlots + rows) (blockSlots a power of two >= rows): one ciphertext
 * instead of one per column. Without these fields every ciphertext holds `slotsPerCiphertext` rows of one column.
 */
export type FhedHeader = {
  kind: "data";
  scheme: "ckks";
  params: FheParams;
  keyId: Hex;
  schemaHash: Hex;
  columns: string[];
  rows: number;
  standardization: unknown;
  slotsPerCiphertext: number;
  ciphertextsPerColumn: number;
  ciphertexts: number;
  encryption: "symmetric" | "public";
  level: "compact" | "full";
  ciphertextPrimes: number;
  sumOfSquaresGroup: number;
  columnsPerCiphertext?: number;
  blockSlots?: number;
};

/** How a .fhed lays out its values: `perCiphertext` columns per ciphertext in blocks of `blockSlots` slots. */
export type FhedLayout = { perCiphertext: number; blockSlots: number; packed: boolean };

export function layoutOf(header: FhedHeader): FhedLayout {
  return header.columnsPerCiphertext
    ? { perCiphertext: header.columnsPerCiphertext, blockSlots: header.blockSlots!, packed: true }
    : { perCiphertext: 1, blockSlots: header.slotsPerCiphertext, packed: false };
}

/**
 * The one definition of the layout: for each slot of ciphertext `i`, the index r·cols + c of the matrix value it
 * holds, or −1 for padding. Column-major: column c, rows [k·slots, (k+1)·slots) → ciphertext c·ciphertextsPerColumn
 * + k. Packed: ciphertext g holds column g·P + j from slot j·blockSlots.
 */
export function slotCells(header: FhedHeader, i: number): Int32Array {
  const cols = header.columns.length;
  const cells = new Int32Array(header.slotsPerCiphertext).fill(-1);
  const { perCiphertext, blockSlots, packed } = layoutOf(header);
  if (packed) {
    for (let j = 0; j < perCiphertext && i * perCiphertext + j < cols; j++)
      for (let r = 0; r < header.rows; r++) cells[j * blockSlots + r] = r * cols + i * perCiphertext + j;
    return cells;
  }
  const c = Math.floor(i / header.ciphertextsPerColumn);
  const start = (i % header.ciphertextsPerColumn) * header.slotsPerCiphertext;
  const end = Math.min(header.rows, start + header.slotsPerCiphertext);
  for (let r = start; r < end; r++) cells[r - start] = r * cols + c;
  return cells;
}

export function validateDataHeader(raw: unknown, blobs: number): FhedHeader {
  const parsed = dataHeaderSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FheFormatError("Not a valid encrypted data file (.fhed): its header is malformed.", {
      details: z.prettifyError(parsed.error),
    });
  }
  const header = parsed.data as FhedHeader;
  const problems: string[] = [];
  const { params } = header;
  if (header.slotsPerCiphertext !== params.polyModulusDegree / 2) problems.push("slotsPerCiphertext is not N/2");
  if (header.ciphertextsPerColumn !== Math.ceil(header.rows / header.slotsPerCiphertext)) {
    problems.push("ciphertextsPerColumn does not match rows");
  }
  const cols = header.columns.length;
  if (header.columnsPerCiphertext !== undefined || header.blockSlots !== undefined) {
    const per = header.columnsPerCiphertext;
    const block = header.blockSlots;
    if (per === undefined || block === undefined) problems.push("columnsPerCiphertext and blockSlots come together");
    else {
      // At least one block stays empty: the decryptor checks that it sums to zero (a wrong key or overflow shows).
      if ((block & (block - 1)) !== 0 || block < header.rows || per * block >= header.slotsPerCiphertext)
        problems.push("blockSlots is not a power of two >= rows with room for columnsPerCiphertext + 1 blocks");
      if (per > cols) problems.push("columnsPerCiphertext exceeds the columns");
      if (header.ciphertexts !== Math.ceil(cols / per)) problems.push("ciphertexts is not ⌈columns / columnsPerCiphertext⌉");
    }
  } else if (header.ciphertexts !== cols * header.ciphertextsPerColumn) {
    problems.push("ciphertexts is not columns × ciphertextsPerColumn");
  }
  if (header.ciphertexts !== blobs)
    problems.push(`the offset table lists ${blobs} ciphertexts, the header ${header.ciphertexts}`);
  if (header.ciphertextPrimes > params.coeffModulusBits.length - 1)
    problems.push("ciphertextPrimes exceeds the data primes");
  if (new Set(header.columns).size !== header.columns.length) problems.push("column names repeat");
  if (problems.length > 0) {
    throw new FheFormatError(`Not a valid encrypted data file (.fhed): ${problems[0]}.`, {
      details: problems.join("; "),
    });
  }
  return header;
}

/** Parses a whole .fhed held in memory: validated header + access to the ciphertext blobs. */
export function openFhed(bytes: Uint8Array): { header: FhedHeader; container: ParsedContainer } {
  const container = parseContainer(bytes, "data");
  return { header: validateDataHeader(container.header, container.count), container };
}

/**
 * Reads and validates the public header of a `.fhed` file, from its bytes or from a path (reading only the header
 * and offset table).
 *
 * @example
 * const header = await readFhedHeader("penguins.fhed");
 * console.log(header.keyId, header.rows, header.columns);
 */
export async function readFhedHeader(source: Uint8Array | string): Promise<FhedHeader> {
  if (typeof source === "string") {
    const prefix = await readPrefixFromFile(source, "data");
    return validateDataHeader(prefix.header, prefix.offsets.length - 1);
  }
  return openFhed(source).header;
}

export type { ContainerKind, ParsedPrefix };
