import { ModelInputError } from "./errors.ts";
import { applyDelta } from "./fedAvg.ts";
import type { ModelSpec } from "./modelSpec.ts";

/**
 * Server optimizers (FedAvgM, FedAdam; Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2): the
 * FedAvg delta Δ is treated as a pseudo-gradient step and applied with server-side momentum or Adam moments.
 * Pure: the state goes in and comes out, and the aggregator keeps it in the round model file (roundModel.ts), so a
 * restarted aggregator — or anyone re-checking a round from the published files — derives the same next model.
 */

/** The server optimizer's state after its `step`-th round (absent before the first: all vectors start at 0). */
export type ServerState =
  | { type: "fedavgm"; step: number; momentum: Float64Array }
  | { type: "fedadam"; step: number; m: Float64Array; v: Float64Array };

export type ApplyServerUpdateReturnType = {
  /** The next global parameters. */
  params: Float64Array;
  /** The state to store with them (undefined without a server optimizer). */
  state?: ServerState;
};

/**
 * Applies the round's FedAvg delta with the spec's server optimizer. Without one: w + Δ (exactly applyDelta).
 * - fedavgm: m ← β·m + Δ; w ← w + η·m
 * - fedadam: m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; w ← w + η·m/(√v + τ) (the paper's rule, no bias
 *   correction; m and v start at 0 as in Flower's FedAdam)
 *
 * @example
 * const { params, state } = applyServerUpdate(spec, globalParams, delta, previousModel.serverState)
 */
export function applyServerUpdate(
  spec: Pick<ModelSpec, "serverOptimizer">,
  global: Float64Array,
  delta: Float64Array,
  state?: ServerState,
): ApplyServerUpdateReturnType {
  const opt = spec.serverOptimizer;
  if (!opt) {
    if (state) throw new ModelInputError("The previous round model carries server-optimizer state but the spec has no serverOptimizer.");
    return { params: applyDelta(global, delta) };
  }
  if (global.length !== delta.length)
    throw new ModelInputError(`Cannot apply a delta of length ${delta.length} to ${global.length} parameters.`);
  if (state && state.type !== opt.type)
    throw new ModelInputError(`The previous round model carries ${state.type} state but the spec's serverOptimizer is ${opt.type}.`);
  const n = global.length;
  const step = (state?.step ?? 0) + 1;
  const params = new Float64Array(n);
  if (opt.type === "fedavgm") {
    const prev = state?.type === "fedavgm" ? state.momentum : new Float64Array(n);
    checkLength(prev, n);
    const momentum = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      momentum[k] = opt.momentum * prev[k] + delta[k];
      params[k] = global[k] + opt.learningRate * momentum[k];
    }
    return { params, state: { type: "fedavgm", step, momentum } };
  }
  const prevM = state?.type === "fedadam" ? state.m : new Float64Array(n);
  const prevV = state?.type === "fedadam" ? state.v : new Float64Array(n);
  checkLength(prevM, n);
  checkLength(prevV, n);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    m[k] = opt.beta1 * prevM[k] + (1 - opt.beta1) * delta[k];
    v[k] = opt.beta2 * prevV[k] + (1 - opt.beta2) * delta[k] * delta[k];
    params[k] = global[k] + (opt.learningRate * m[k]) / (Math.sqrt(v[k]) + opt.tau);
  }
  return { params, state: { type: "fedadam", step, m, v } };
}

/** The state vectors in file order (fedavgm: momentum; fedadam: m, v). */
export function serverStateVectors(state: ServerState): Float64Array[] {
  return state.type === "fedavgm" ? [state.momentum] : [state.m, state.v];
}

function checkLength(vector: Float64Array, n: number) {
  if (vector.length !== n) throw new ModelInputError(`The server-optimizer state has ${vector.length} entries, the model ${n}.`);
}
