import type { Address } from "viem";
import { z } from "zod/v4";
import { assertSumFits, type FixedPointConfig } from "./capacity.ts";
import { FixedPointOverflowError, ModelInputError, UpdateFormatError } from "./errors.ts";

/** Magic bytes of an update file. */
export const UPDATE_MAGIC = new TextEncoder().encode("2PMUPD\0\0");
/**
 * Current update file version. 2: the vector is params block ‖ evaluation block (evaluationBlock.ts) and the header
 * carries no per-node metrics (they are inside the masked vector). Version 1 files are refused, not converted: a
 * round needs every update's evaluation block.
 */
export const UPDATE_VERSION = 2;
/** Largest JSON header accepted when decoding (a header is a few hundred bytes). */
export const MAX_HEADER_BYTES = 65_536;

/**
 * The update of a node: local − global parameters.
 *
 * @example
 * const delta = modelDelta(trained.params, globalParams)
 */
export function modelDelta(local: Float64Array, global: Float64Array): Float64Array {
  if (local.length !== global.length)
    throw new ModelInputError(`Cannot subtract parameter vectors of lengths ${local.length} and ${global.length}.`);
  const out = new Float64Array(local.length);
  for (let k = 0; k < out.length; k++) out[k] = local[k] - global[k];
  return out;
}

/**
 * Scales `delta` down to L2 norm `clipNorm` if it is longer (direction kept).
 *
 * @example
 * const { delta: clipped, norm } = clipDelta(delta, spec.clipNorm)
 */
export function clipDelta(delta: Float64Array, clipNorm: number): { delta: Float64Array; norm: number; clipped: boolean } {
  let sq = 0;
  for (let k = 0; k < delta.length; k++) sq += delta[k] * delta[k];
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm)) throw new ModelInputError("The update contains NaN or Infinity: the local training diverged.");
  if (norm <= clipNorm) return { delta: Float64Array.from(delta), norm, clipped: false };
  const factor = clipNorm / norm;
  const out = new Float64Array(delta.length);
  for (let k = 0; k < delta.length; k++) out[k] = delta[k] * factor;
  return { delta: out, norm, clipped: true };
}

export type QuantizeUpdateParameters = {
  /** Local − global parameters (clipped here). */
  delta: Float64Array;
  /** This node's training samples n_i (the FedAvg weight), integer >= 1. */
  samples: number;
  /**
   * Upper bound on Σ n_j over the round's nodes (e.g. the sum of the members' dataset rows on chain); the call
   * throws if that many samples could overflow the int32 sum.
   */
  maxTotalSamples: number;
};

/**
 * Clips the delta to `clipNorm`, weights it by the sample count and quantizes it to int32 fixed point:
 * q_k = round(n·x_k·scale) (multiplying before rounding keeps the rounding error at 1/2 unit per node).
 *
 * @example
 * const vector = quantizeUpdate(spec, { delta, samples: 120, maxTotalSamples: 400 })
 */
export function quantizeUpdate(config: FixedPointConfig, parameters: QuantizeUpdateParameters): Int32Array {
  const { samples, maxTotalSamples } = parameters;
  if (!Number.isSafeInteger(samples) || samples < 1)
    throw new ModelInputError(`The sample count ${samples} is not a positive integer.`);
  if (maxTotalSamples < samples)
    throw new FixedPointOverflowError(`maxTotalSamples (${maxTotalSamples}) is below this node's own ${samples} samples.`);
  assertSumFits(config, { totalSamples: maxTotalSamples });
  const { delta } = clipDelta(parameters.delta, config.clipNorm);
  const factor = samples * config.fixedPointScale;
  // The clip can overshoot clipNorm by an ulp; clamp so the capacity bound holds exactly.
  const bound = Math.floor(samples * config.clipNorm * config.fixedPointScale + 0.5);
  const out = new Int32Array(delta.length);
  for (let k = 0; k < delta.length; k++) {
    const q = Math.round(delta[k] * factor);
    out[k] = q > bound ? bound : q < -bound ? -bound : q;
  }
  return out;
}

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte address")
  .transform((s) => s.toLowerCase() as Address);

const headerJson = z.strictObject({
  taskId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "expected a decimal uint256"),
  round: z.number().int().min(0).max(2 ** 32 - 1),
  attempt: z.number().int().min(0).max(65_535).optional(),
  node: address,
  samples: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  length: z.number().int().min(1).max(2 ** 28),
  scale: z.number().positive(),
  masked: z.boolean(),
});

/** The JSON header of an update file. */
export type UpdateHeader = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain (restartRound re-runs a round as attempt + 1); absent means 0. */
  attempt?: number;
  /** Address of the submitting node (lowercase). */
  node: Address;
  /** Training samples n_i: the FedAvg weight already multiplied into the vector. */
  samples: number;
  /** Number of int32 values: the model's parameters + the evaluation block (updateVectorLength). */
  length: number;
  /** Fixed-point scale (the spec's fixedPointScale). */
  scale: number;
  /** True when the vector carries secure-aggregation masks. */
  masked: boolean;
};

export type Update = { header: UpdateHeader; vector: Int32Array };

/**
 * Encodes an update file: magic "2PMUPD\0\0", u16 version (LE), u32 header length (LE), the UTF-8 JSON header,
 * then `header.length` int32 little-endian values.
 *
 * @example
 * const root = await store.put(encodeUpdate({ header, vector: masked }))
 */
export function encodeUpdate(update: Update): Uint8Array {
  const { header, vector } = update;
  if (!(vector instanceof Int32Array) || vector.length !== header.length)
    throw new UpdateFormatError(`The update vector has ${vector?.length} values but its header says ${header.length}.`);
  const json = headerJson.safeParse({ ...header, taskId: header.taskId.toString(10) });
  if (!json.success)
    throw new UpdateFormatError("The update header is invalid.", { details: z.prettifyError(json.error) });
  const text = new TextEncoder().encode(JSON.stringify(json.data));
  const out = new Uint8Array(UPDATE_MAGIC.length + 6 + text.length + 4 * vector.length);
  const view = new DataView(out.buffer);
  out.set(UPDATE_MAGIC, 0);
  let o = UPDATE_MAGIC.length;
  view.setUint16(o, UPDATE_VERSION, true);
  view.setUint32(o + 2, text.length, true);
  o += 6;
  out.set(text, o);
  o += text.length;
  for (let k = 0; k < vector.length; k++, o += 4) view.setInt32(o, vector[k], true);
  return out;
}

/**
 * Decodes and validates an update file (magic, version, header fields, exact body length, no trailing bytes).
 * Throws an UpdateFormatError on any defect.
 *
 * @example
 * const { header, vector } = decodeUpdate(await store.get(updateRoot))
 */
export function decodeUpdate(bytes: Uint8Array): Update {
  const fixed = UPDATE_MAGIC.length + 6;
  if (bytes.length < fixed || UPDATE_MAGIC.some((b, i) => bytes[i] !== b))
    throw new UpdateFormatError("This is not a 2PM update file (bad magic): check the root you fetched.");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(UPDATE_MAGIC.length, true);
  if (version !== UPDATE_VERSION)
    throw new UpdateFormatError(
      version < UPDATE_VERSION
        ? `Update file version ${version} was written by an older 2pm (no evaluation block): every node of a task must run the same 2pm.`
        : `Update file version ${version} is not supported (expected ${UPDATE_VERSION}): upgrade 2pm.`,
    );
  const headerBytes = view.getUint32(UPDATE_MAGIC.length + 2, true);
  if (headerBytes > MAX_HEADER_BYTES || fixed + headerBytes > bytes.length)
    throw new UpdateFormatError(`The update file is truncated or its header length (${headerBytes}) is invalid.`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(fixed, fixed + headerBytes)));
  } catch (cause) {
    throw new UpdateFormatError("The update file header is not valid JSON.", { cause });
  }
  const parsed = headerJson.safeParse(raw);
  if (!parsed.success)
    throw new UpdateFormatError("The update file header is invalid.", { details: z.prettifyError(parsed.error) });
  const header: UpdateHeader = { ...parsed.data, taskId: BigInt(parsed.data.taskId) };
  if (header.attempt === undefined) delete header.attempt;
  const body = fixed + headerBytes;
  if (bytes.length - body !== 4 * header.length)
    throw new UpdateFormatError(
      `The update body has ${bytes.length - body} bytes but the header announces ${header.length} int32 values (${4 * header.length} bytes).`,
    );
  const vector = new Int32Array(header.length);
  for (let k = 0, o = body; k < vector.length; k++, o += 4) vector[k] = view.getInt32(o, true);
  return { header, vector };
}
