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
});

/**
 * Header of a `.fhed` file (public: it reveals the shape and the standardization, never values).
 * `level` "compact" stores ciphertexts with 2 primes (enough for one multiplication: variances, linear scores)
 * instead of all data primes; `sumOfSquaresGroup` is how many consecutive ciphertexts of a column the compute node
 * may add after squaring without exceeding the CKKS headroom.
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
};

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
  if (header.ciphertexts !== header.columns.length * header.ciphertextsPerColumn) {
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
