import type { Hex } from "viem";
import { z } from "zod/v4";
import { InvalidModelSpecError } from "./errors.ts";

/** Largest magnitude the mod-2^32 sum of the quantized updates may reach and still be read back as an int32. */
export const INT32_SUM_LIMIT = 2 ** 31 - 1;

const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes as 0x-prefixed hex")
  .transform((s) => s.toLowerCase() as Hex);

const uniqueNames = (what: string) =>
  z
    .array(z.string().min(1))
    .refine((names) => new Set(names).size === names.length, `${what} must be unique`);

/**
 * The model spec JSON of an FL task (stored by root; its root is the task's `modelRoot` on chain). Every node and
 * the aggregator derive the same initial model and fixed-point encoding from it. Unknown keys are rejected: a spec
 * that asks for something this version does not implement must not be silently half-honoured.
 */
export const modelSpecSchema = z
  .strictObject({
    format: z.literal("2pm-model/1"),
    model: z.enum(["logreg", "mlp"]),
    schemaHash: hex32,
    /** Standardized column names, in the order of the feature matrix columns. */
    features: uniqueNames("features").min(1),
    label: z.string().min(1),
    classes: uniqueNames("classes").min(2),
    /** Hidden units of the MLP (required for "mlp", refused for "logreg"). */
    hidden: z.number().int().min(1).max(65_536).optional(),
    /** Hidden-layer activation of the MLP. Default "relu". */
    activation: z.enum(["relu", "tanh"]).optional(),
    /** Local epochs per round. */
    epochs: z.number().int().min(1).max(10_000),
    batchSize: z.number().int().min(1),
    learningRate: z.number().positive().max(1e3),
    optimizer: z.enum(["sgd", "adam"]),
    /** L2 penalty on the weights (not the biases). Default 0. */
    l2: z.number().min(0).max(1e3).optional(),
    /** Seed of the initial parameters and of the data shuffling (uint32). */
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    /** L2 norm every update delta is clipped to before quantization. */
    clipNorm: z.number().positive(),
    /** Fixed-point scale of the quantized updates, e.g. 65536 (2^16). */
    fixedPointScale: z.number().positive(),
    /** Share of each node's rows held out for the validation accuracy it reports. Default 0. */
    validationFraction: z.number().min(0).max(0.5).optional(),
    // --- Differential privacy (s7-dp): absent = no DP, behaviour unchanged. ---
    /**
     * Distributed DP (docs/fl.md "Differential privacy"): every node clips its update to clipNorm, weighs it 1 (not
     * by its samples) and adds its share of discrete Gaussian noise before masking; the sum of the fewest survivors
     * the task allows carries noise `noiseMultiplier` × the update sensitivity. ε is reported at `delta`.
     */
    dp: z
      .strictObject({
        noiseMultiplier: z.number().positive().max(1_000),
        delta: z.number().positive().max(0.1),
      })
      .optional(),
    // --- end differential privacy ---
    // ---- Non-IID algorithms (FedProx, server optimizer, learning-rate schedule; docs/fl.md "Algorithms for
    // non-IID data"). All optional: a spec without them trains exactly as plain FedAvg (bit-identical models).
    /** FedProx proximal coefficient μ: each node minimizes its loss + μ/2·‖w − w_global‖². Default 0 (FedAvg). */
    proxMu: z.number().min(0).max(1e3).optional(),
    /** Local learning rate per round r (1-based): learningRate × factor(r). Default constant. */
    lrSchedule: z
      .discriminatedUnion("type", [
        z.strictObject({ type: z.literal("constant") }),
        /** factor = decay^floor((r − 1) / every) */
        z.strictObject({ type: z.literal("step"), every: z.number().int().min(1), decay: z.number().positive().max(1) }),
        /** factor = min + (1 − min)·(1 + cos(π·min(r − 1, rounds)/rounds))/2: from 1 down to min over `rounds` rounds. */
        z.strictObject({ type: z.literal("cosine"), rounds: z.number().int().min(1), min: z.number().min(0).max(1) }),
      ])
      .optional(),
    /** How the aggregator applies the FedAvg delta Δ. Default none: w ← w + Δ. State kept in the round model file. */
    serverOptimizer: z
      .discriminatedUnion("type", [
        /** FedAvgM: m ← β·m + Δ; w ← w + η·m */
        z.strictObject({ type: z.literal("fedavgm"), learningRate: z.number().positive().max(1e3), momentum: z.number().min(0).lt(1) }),
        /** FedAdam (Reddi et al. 2021): m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; w ← w + η·m/(√v + τ) */
        z.strictObject({
          type: z.literal("fedadam"),
          learningRate: z.number().positive().max(1e3),
          beta1: z.number().min(0).lt(1),
          beta2: z.number().min(0).lt(1),
          tau: z.number().positive(),
        }),
      ])
      .optional(),
    // ---- end of non-IID algorithms
  })
  .superRefine((spec, ctx) => {
    if (spec.model === "mlp" && spec.hidden === undefined)
      ctx.addIssue({ code: "custom", path: ["hidden"], message: 'an "mlp" model needs "hidden" (hidden units)' });
    if (spec.model === "logreg" && (spec.hidden !== undefined || spec.activation !== undefined))
      ctx.addIssue({ code: "custom", path: ["hidden"], message: 'a "logreg" model takes no "hidden"/"activation"' });
    if (spec.features.includes(spec.label))
      ctx.addIssue({ code: "custom", path: ["label"], message: "the label cannot also be a feature" });
    // Even one sample must fit: |round(n·x·scale)| <= n·clipNorm·scale + 1/2 for |x| <= clipNorm.
    if (spec.clipNorm * spec.fixedPointScale + 0.5 > INT32_SUM_LIMIT)
      ctx.addIssue({
        code: "custom",
        path: ["fixedPointScale"],
        message: "clipNorm × fixedPointScale exceeds the int32 range: lower fixedPointScale or clipNorm",
      });
  });

/** A parsed, validated model spec. */
export type ModelSpec = z.output<typeof modelSpecSchema>;

/**
 * Parses and validates a model spec from an object, a JSON string or the stored JSON bytes.
 *
 * @example
 * const spec = parseModelSpec(await store.get(task.modelRoot))
 */
export function parseModelSpec(input: unknown): ModelSpec {
  let value = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new InvalidModelSpecError("The model spec is not valid JSON: fix the spec file.", { cause });
    }
  }
  const parsed = modelSpecSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidModelSpecError("The model spec is invalid: fix the fields listed in the details.", {
      details: z.prettifyError(parsed.error),
      cause: parsed.error,
    });
  return parsed.data;
}

/**
 * Serializes a model spec as canonical JSON bytes (sorted keys, no whitespace), the form to store by root.
 *
 * @example
 * const modelRoot = await store.put(serializeModelSpec(spec))
 */
export function serializeModelSpec(spec: ModelSpec): Uint8Array {
  const checked = parseModelSpec(spec);
  return new TextEncoder().encode(JSON.stringify(sortKeys(checked)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
