import type { Address } from "viem";
import { z } from "zod/v4";
import type { RoundMetrics } from "./aggregateRound.ts";
import { UpdateFormatError } from "./errors.ts";
import { serverStateVectors, type ServerState } from "./serverOptimizer.ts";
import { MAX_HEADER_BYTES } from "./updateCodec.ts";

/** Magic bytes of a round-model file. */
export const ROUND_MODEL_MAGIC = new TextEncoder().encode("2PMMDL\0\0");
/**
 * 2: `metrics` are the round's pooled evaluation (RoundMetrics: the model that entered the round, and the local
 * models). Version 1 files still decode; their metrics (the nodes' samples-weighted local-model figures) come
 * back as `legacyMetrics`.
 */
export const ROUND_MODEL_VERSION = 2;

/** A global model after a round (round 0: the initial model of the spec), stored by root; finalizeRound names it. */
export type RoundModel = {
  taskId: bigint;
  round: number;
  /** The round's attempt on chain that produced this model (absent for round 0). */
  attempt?: number;
  params: Float64Array;
  /** The round's pooled evaluation (absent for round 0): `accuracy`/`loss` are those of round − 1's model. */
  metrics?: RoundMetrics;
  /** Version-1 files only: the nodes' samples-weighted local-model metrics (never a global model's). */
  legacyMetrics?: LegacyRoundMetrics;
  /** Nodes whose updates were aggregated (ascending). */
  nodes?: Address[];
  /** Server-optimizer state after this round (FedAvgM/FedAdam specs only): the next round starts from it. */
  serverState?: ServerState;
};

export type LegacyRoundMetrics = { samples: number; nodes: number; loss: number; accuracy: number; valAccuracy?: number; valLoss?: number };

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);
const metricsV2 = z.strictObject({
  samples: count,
  nodes: count,
  evaluatedModel: count,
  rows: count,
  accuracy: share,
  loss: z.number().min(0),
  classes: z.array(z.strictObject({ rows: count, correct: count, recall: share.optional() })),
  localAccuracy: share,
  localLoss: z.number().min(0),
});
const metricsV1 = z.strictObject({
  samples: count,
  nodes: count,
  loss: z.number(),
  accuracy: share,
  valAccuracy: share.optional(),
  valLoss: z.number().min(0).optional(),
});
const headerFields = {
  taskId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/),
  round: z.number().int().min(0),
  attempt: z.number().int().min(0).max(65_535).optional(),
  length: z.number().int().min(1).max(2 ** 27),
  nodes: z
    .array(z.string().regex(/^0x[0-9a-f]{40}$/))
    .optional()
    .transform((a) => a as Address[] | undefined),
  /**
   * Only with a server optimizer: its type and step; its vectors follow the parameters in the body. A decoder that
   * does not know the field refuses the file (strict header) rather than misreading the body.
   */
  serverState: z.strictObject({ type: z.enum(["fedavgm", "fedadam"]), step: z.number().int().min(1) }).optional(),
};
const headerJson = z.strictObject({ ...headerFields, metrics: metricsV2.optional() });
const headerJsonV1 = z.strictObject({ ...headerFields, metrics: metricsV1.optional() });

const stateVectorCount = (type: ServerState["type"]) => (type === "fedavgm" ? 1 : 2);

/**
 * Encodes a round model: magic "2PMMDL\0\0", u16 version, u32 header length (LE), JSON header
 * { taskId, round, attempt?, length, metrics?, nodes? }, then `length` float64 little-endian parameters.
 * With server-optimizer state: header.serverState = { type, step }, and the state vectors (fedavgm: momentum;
 * fedadam: m, v; `length` float64 each) after the parameters. Files without state are unchanged byte for byte.
 *
 * @example
 * const modelRoot = await store.put(encodeRoundModel({ taskId, round, params, metrics, nodes }))
 */
export function encodeRoundModel(model: RoundModel): Uint8Array {
  if (model.legacyMetrics) throw new UpdateFormatError("Version-1 round metrics cannot be written: give the round's RoundMetrics.");
  const header = headerJson.safeParse({
    taskId: model.taskId.toString(10),
    round: model.round,
    attempt: model.attempt,
    length: model.params.length,
    metrics: model.metrics,
    nodes: model.nodes?.map((a) => a.toLowerCase()),
    serverState: model.serverState && { type: model.serverState.type, step: model.serverState.step },
  });
  if (!header.success) throw new UpdateFormatError("The round model header is invalid.", { details: z.prettifyError(header.error) });
  const vectors = [model.params, ...(model.serverState ? serverStateVectors(model.serverState) : [])];
  for (const vector of vectors) {
    if (vector.length !== model.params.length) throw new UpdateFormatError("The server-optimizer state does not match the model's length.");
    for (const p of vector) if (!Number.isFinite(p)) throw new UpdateFormatError("The round model has non-finite parameters.");
  }
  const text = new TextEncoder().encode(JSON.stringify(header.data));
  const fixed = ROUND_MODEL_MAGIC.length + 6;
  const out = new Uint8Array(fixed + text.length + 8 * model.params.length * vectors.length);
  const view = new DataView(out.buffer);
  out.set(ROUND_MODEL_MAGIC, 0);
  view.setUint16(ROUND_MODEL_MAGIC.length, ROUND_MODEL_VERSION, true);
  view.setUint32(ROUND_MODEL_MAGIC.length + 2, text.length, true);
  out.set(text, fixed);
  let o = fixed + text.length;
  for (const vector of vectors) for (let k = 0; k < vector.length; k++, o += 8) view.setFloat64(o, vector[k], true);
  return out;
}

/**
 * Decodes and validates a round-model file.
 *
 * @example
 * const { params, metrics } = decodeRoundModel(await store.get(modelRoot))
 */
export function decodeRoundModel(bytes: Uint8Array): RoundModel {
  const fixed = ROUND_MODEL_MAGIC.length + 6;
  if (bytes.length < fixed || ROUND_MODEL_MAGIC.some((b, i) => bytes[i] !== b))
    throw new UpdateFormatError("This is not a 2PM round-model file (bad magic): check the root you fetched.");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(ROUND_MODEL_MAGIC.length, true);
  if (version !== ROUND_MODEL_VERSION && version !== 1) throw new UpdateFormatError(`Round-model version ${version} is not supported: upgrade 2pm.`);
  const headerBytes = view.getUint32(ROUND_MODEL_MAGIC.length + 2, true);
  if (headerBytes > MAX_HEADER_BYTES + 64 * 1024 || fixed + headerBytes > bytes.length)
    throw new UpdateFormatError("The round-model file is truncated or its header length is invalid.");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(fixed, fixed + headerBytes)));
  } catch (cause) {
    throw new UpdateFormatError("The round-model header is not valid JSON.", { cause });
  }
  const parsed = (version === 1 ? headerJsonV1 : headerJson).safeParse(raw);
  if (!parsed.success) throw new UpdateFormatError("The round-model header is invalid.", { details: z.prettifyError(parsed.error) });
  const { length, serverState } = parsed.data;
  const vectorCount = 1 + (serverState ? stateVectorCount(serverState.type) : 0);
  const body = fixed + headerBytes;
  if (bytes.length - body !== 8 * length * vectorCount)
    throw new UpdateFormatError(`The round-model body has ${bytes.length - body} bytes, expected ${8 * length * vectorCount}.`);
  const vectors = Array.from({ length: vectorCount }, (_, i) => {
    const vector = new Float64Array(length);
    for (let k = 0, o = body + 8 * length * i; k < length; k++, o += 8) vector[k] = view.getFloat64(o, true);
    for (const p of vector) if (!Number.isFinite(p)) throw new UpdateFormatError("The round model has non-finite parameters.");
    return vector;
  });
  const params = vectors[0];
  const model: RoundModel = { taskId: BigInt(parsed.data.taskId), round: parsed.data.round, params };
  if (serverState)
    model.serverState =
      serverState.type === "fedavgm"
        ? { type: "fedavgm", step: serverState.step, momentum: vectors[1] }
        : { type: "fedadam", step: serverState.step, m: vectors[1], v: vectors[2] };
  const metrics = parsed.data.metrics;
  if (metrics && "evaluatedModel" in metrics)
    model.metrics = { ...metrics, classes: metrics.classes.map(({ recall, ...c }) => (recall === undefined ? c : { ...c, recall })) };
  else if (metrics) {
    const { valAccuracy, valLoss, ...rest } = metrics;
    model.legacyMetrics = { ...rest, ...(valAccuracy === undefined ? {} : { valAccuracy }), ...(valLoss === undefined ? {} : { valLoss }) };
  }
  if (parsed.data.attempt !== undefined) model.attempt = parsed.data.attempt;
  if (parsed.data.nodes) model.nodes = parsed.data.nodes;
  return model;
}
