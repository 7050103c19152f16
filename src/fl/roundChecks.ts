// The checks of the round strategy: what makes an update, a reveal file or an unmasked sum unusable.
import type { Address } from "viem";
import type { ModelSpec } from "./modelSpec.ts";
import type { RevealFile } from "./secureAggregation/revealFile.ts";
import type { Update } from "./updateCodec.ts";

/**
 * Largest L2 norm the sum of `nodes` quantized updates with `samples` samples in total can have: each update is
 * round(n_i·x_i·scale) with ‖x_i‖ <= clipNorm, so ‖Σ‖ <= T·clipNorm·scale + nodes·√length/2.
 */
export function updateNormBound(spec: Pick<ModelSpec, "clipNorm" | "fixedPointScale">, samples: number, nodes: number, length: number): number {
  return (samples * spec.clipNorm * spec.fixedPointScale + (nodes * Math.sqrt(length)) / 2) * (1 + 1e-9) + 1;
}

/** Euclidean norm of an integer vector. */
export function l2(v: Int32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}

/** Why an update cannot be used in this round (wrong task, round, attempt, node, samples, length, scale, masking), if it cannot. */
export function headerProblem(
  u: { samples: number; update: Update },
  expected: { taskId: bigint; round: number; attempt: number; node: Address; length: number; scale: number; secure: boolean },
): string | undefined {
  const h = u.update.header;
  if (h.taskId !== expected.taskId) return `update is for task ${h.taskId}, not ${expected.taskId}`;
  if (h.round !== expected.round) return `update is for round ${h.round}, not ${expected.round}`;
  // A replayed update of an earlier attempt is masked with that attempt's seeds: it would not cancel.
  if ((h.attempt ?? 0) !== expected.attempt) return `update is for attempt ${h.attempt ?? 0}, not ${expected.attempt}`;
  if (h.node.toLowerCase() !== expected.node) return `update header names node ${h.node}`;
  if (h.samples !== u.samples) return `update header says ${h.samples} samples but the chain records ${u.samples}`;
  if (h.length !== expected.length || u.update.vector.length !== expected.length)
    return `update has ${h.length} values, the model has ${expected.length}`;
  if (h.scale !== expected.scale) return `update scale ${h.scale} differs from the spec's ${expected.scale}`;
  if (h.masked !== expected.secure) return expected.secure ? "update is not masked" : "update is masked but the task has no secure aggregation";
  return undefined;
}

/** Why a survivor's reveal file cannot unmask the dropped members (missing, wrong signer or round, a seed toward a survivor, seeds lacking), if it cannot. */
export function revealProblem(
  reveal: RevealFile | undefined,
  expected: { taskId: bigint; round: number; attempt: number; node: Address; dropped: Address[]; survivors: Set<Address> },
): string | undefined {
  if (!reveal) return "missed the reveal window";
  if (reveal.from.toLowerCase() !== expected.node) return `reveal file is signed as ${reveal.from}`;
  if (reveal.taskId !== expected.taskId || reveal.round !== expected.round || (reveal.attempt ?? 0) !== expected.attempt)
    return `reveal file is for task ${reveal.taskId} round ${reveal.round} attempt ${reveal.attempt ?? 0}`;
  const targets = new Set(reveal.reveals.map((r) => r.to.toLowerCase()));
  for (const t of targets) if (expected.survivors.has(t as Address)) return `revealed a seed toward ${t}, whose update is on chain`;
  const missing = expected.dropped.filter((d) => !targets.has(d));
  if (missing.length > 0) return `reveal file lacks the seeds toward ${missing.join(", ")}`;
  return undefined;
}
