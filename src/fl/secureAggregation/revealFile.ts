// The reveal file (`2pm-reveal/1`): a survivor's seeds toward the round's dropped members, stored by root.
import type { Address, Hex } from "viem";
import { z } from "zod/v4";
import { UpdateFormatError } from "../errors.ts";
import type { SeedReveal } from "./masking.ts";

const addressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte address")
  .transform((s) => s.toLowerCase() as Address);
const revealJson = z.strictObject({
  format: z.literal("2pm-reveal/1"),
  taskId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "expected a decimal uint256"),
  round: z.number().int().min(0),
  attempt: z.number().int().min(0).max(65_535).optional(),
  from: addressField,
  seeds: z.array(
    z.strictObject({
      to: addressField,
      seed: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex")
        .transform((s) => s.toLowerCase() as Hex),
    }),
  ),
});

/** A survivor's reveal file (stored by root; its root goes on chain with revealSeeds). */
export type RevealFile = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain the seeds belong to; absent means 0. */
  attempt?: number;
  from: Address;
  reveals: SeedReveal[];
};

/**
 * Encodes a reveal file: UTF-8 JSON `{ format: "2pm-reveal/1", taskId, round, attempt?, from, seeds: [{ to, seed }] }`,
 * seeds sorted by `to`.
 *
 * @example
 * const revealRoot = await store.put(encodeReveal({ taskId, round, from: me, reveals }))
 */
export function encodeReveal(file: RevealFile): Uint8Array {
  const from = file.from.toLowerCase();
  for (const r of file.reveals)
    if (r.from.toLowerCase() !== from) throw new UpdateFormatError(`A reveal file of ${from} cannot carry a seed revealed by ${r.from}.`);
  const json = {
    format: "2pm-reveal/1",
    taskId: file.taskId.toString(10),
    round: file.round,
    ...(file.attempt === undefined ? {} : { attempt: file.attempt }),
    from,
    seeds: [...file.reveals]
      .map((r) => ({ to: r.to.toLowerCase(), seed: r.seed.toLowerCase() }))
      .sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0)),
  };
  const checked = revealJson.safeParse(json);
  if (!checked.success) throw new UpdateFormatError("The reveal file is invalid.", { details: z.prettifyError(checked.error) });
  return new TextEncoder().encode(JSON.stringify(json));
}

/**
 * Decodes and validates a reveal file (format, fields, no duplicate `to`, no seed toward `from` itself).
 *
 * @example
 * const { from, reveals } = decodeReveal(await store.get(revealRoot))
 */
export function decodeReveal(bytes: Uint8Array): RevealFile {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new UpdateFormatError("The reveal file is not valid JSON.", { cause });
  }
  const parsed = revealJson.safeParse(raw);
  if (!parsed.success) throw new UpdateFormatError("The reveal file is invalid.", { details: z.prettifyError(parsed.error) });
  const { from, seeds } = parsed.data;
  const targets = new Set<string>();
  for (const s of seeds) {
    if (s.to === from) throw new UpdateFormatError(`The reveal file of ${from} reveals a seed toward itself.`);
    if (targets.has(s.to)) throw new UpdateFormatError(`The reveal file of ${from} lists ${s.to} twice.`);
    targets.add(s.to);
  }
  return {
    taskId: BigInt(parsed.data.taskId),
    round: parsed.data.round,
    ...(parsed.data.attempt === undefined ? {} : { attempt: parsed.data.attempt }),
    from,
    reveals: seeds.map((s) => ({ from, to: s.to, seed: s.seed })),
  };
}
