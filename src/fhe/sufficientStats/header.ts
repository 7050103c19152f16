// Internal: the encrypted statistics file ("2PMFHET\0", src/fhe/container.ts): one contribution, or the sum of
// several (the compute node's output: same format, more contributors). Header = what anyone may read.
import type { Hex } from "viem";
import { z } from "zod/v4";
import { parseContainer } from "../container.ts";
import type { ParsedContainer } from "../container.ts";
import type { FheContext } from "../createFheContext.ts";
import { FheFormatError } from "../errors.ts";
import { paramsSchema } from "../fhedHeader.ts";
import type { FheParams } from "../params.ts";
import { statisticsLayoutSchema } from "../../ml/statisticsLayout.ts";
import type { StatisticsLayout } from "../../ml/statisticsLayout.ts";

/** Format of the header below; a reader refuses other versions. */
export const STATISTICS_FORMAT = 1;
/** Most contributions one sum may hold: the scale leaves room for 2^16 values of |v| <= 1 per slot. */
export const MAX_CONTRIBUTIONS = 2 ** 16;
/** Primes per ciphertext (the lowest level that keeps ~2^-60 precision; no multiplication is ever done). */
export const STATISTICS_PRIMES = 2;

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x + 64 lowercase hex digits");

export const statisticsHeaderSchema = z.object({
  kind: z.literal("sufficient-statistics"),
  format: z.literal(STATISTICS_FORMAT),
  scheme: z.literal("ckks"),
  params: paramsSchema,
  keyId: hex32,
  /** The task's layout: what each entry is and its per-contribution bound. */
  layout: statisticsLayoutSchema,
  /** Entries of the flat vector (the layout's length), packed in slot order over `ciphertexts` ciphertexts. */
  entries: z.number().int().positive(),
  slotsPerCiphertext: z.number().int().positive(),
  ciphertexts: z.number().int().positive(),
  /** Primes of every ciphertext, and log2 of the encoding scale (entry i is encoded as v_i / bound_i). */
  primes: z.number().int().positive(),
  scaleBits: z.number().int().positive(),
  /** Who contributed (ids the caller vouches for, e.g. the uploading address), distinct, one per contribution. */
  contributors: z.array(z.string().min(1).max(200)).min(1).max(MAX_CONTRIBUTIONS),
});

export type StatisticsHeader = z.output<typeof statisticsHeaderSchema> & {
  params: FheParams;
  keyId: Hex;
  layout: StatisticsLayout;
};

/** Parses and validates an encrypted statistics file (checksums first, then the header). */
export function openStatistics(bytes: Uint8Array): { header: StatisticsHeader; container: ParsedContainer } {
  const container = parseContainer(bytes, "statistics");
  const format = (container.header as { format?: unknown })?.format;
  if (format !== undefined && format !== STATISTICS_FORMAT) {
    throw new FheFormatError(
      `This encrypted statistics file has format ${String(format)}; this 2pm reads format ${STATISTICS_FORMAT}: upgrade 2pm.`,
    );
  }
  const parsed = statisticsHeaderSchema.safeParse(container.header);
  if (!parsed.success) {
    throw new FheFormatError("Not a valid encrypted statistics file: its header is malformed.", {
      details: z.prettifyError(parsed.error),
    });
  }
  const header = parsed.data as StatisticsHeader;
  if (container.count !== header.ciphertexts || header.ciphertexts !== Math.ceil(header.entries / header.slotsPerCiphertext)) {
    throw new FheFormatError(
      `Not a valid encrypted statistics file: ${container.count} ciphertexts for ${header.entries} entries.`,
    );
  }
  if (new Set(header.contributors).size !== header.contributors.length) {
    throw new FheFormatError("Not a valid encrypted statistics file: a contributor is listed twice.");
  }
  return { header, container };
}

/**
 * log2 of the encoding scale for a context: the `STATISTICS_PRIMES` primes hold |Σ v| <= MAX_CONTRIBUTIONS at
 * scale Δ while MAX_CONTRIBUTIONS·Δ < Q/4 (Q >= 2^Σ(bits − 1); a factor 2 margin for noise and rounding).
 * N=8192 [60,40,40,60]: 2^79; committee [58,50,50,60]: 2^87.
 */
export function statisticsScaleBits(ctx: FheContext): number {
  const primes = Math.min(STATISTICS_PRIMES, ctx.primeBits.length);
  let bits = 0;
  for (let j = 0; j < primes; j++) bits += ctx.primeBits[j] - 1;
  return bits - 2 - Math.log2(MAX_CONTRIBUTIONS);
}
