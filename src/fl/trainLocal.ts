import { ModelInputError } from "./errors.ts";
import { evaluateRows, holdoutSplit } from "./evaluate.ts";
import { backwardRow, checkParams, checkTable, createWorkspace, forwardRow, modelLayout, type Table } from "./model.ts";
import type { ModelSpec } from "./modelSpec.ts";
import { createRng, permutation } from "./prng.ts";

export type TrainLocalOptions = {
  /** Round number (1-based on chain): part of the shuffle seed, and the round of the spec's lrSchedule. Default 0. */
  round?: number;
  /** Stream id of this node (e.g. its member index): part of the shuffle seed. Default 0. */
  node?: number;
  /** Called after each epoch with (epochsDone, epochs). */
  onProgress?: (done: number, total: number) => void;
};

export type LocalMetrics = {
  /** Mean cross-entropy on the training rows after training. */
  loss: number;
  /** Accuracy on the training rows after training. */
  accuracy: number;
  /** Accuracy on the held-out validation rows (only when the spec has validationFraction > 0). */
  valAccuracy?: number;
  /** Mean cross-entropy on the held-out validation rows (with valAccuracy). */
  valLoss?: number;
};

export type TrainLocalReturnType = {
  /** The locally trained parameters (a new array; the input is not modified). */
  params: Float64Array;
  /** Rows trained on (the FedAvg weight of this node's update). */
  samples: number;
  metrics: LocalMetrics;
};

const TAG_SHUFFLE = 0x5ff;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * The local learning rate of round `round` (1-based; 0 counts as 1): spec.learningRate × the lrSchedule factor.
 * Without a schedule (or "constant") it is exactly spec.learningRate.
 *
 * @example
 * localLearningRate({ learningRate: 0.1, lrSchedule: { type: "step", every: 10, decay: 0.5 } }, 11) // 0.05
 */
export function localLearningRate(spec: Pick<ModelSpec, "learningRate" | "lrSchedule">, round: number): number {
  const schedule = spec.lrSchedule;
  const r = Math.max(0, round - 1);
  if (!schedule || schedule.type === "constant") return spec.learningRate;
  if (schedule.type === "step") return spec.learningRate * schedule.decay ** Math.floor(r / schedule.every);
  const t = Math.min(r, schedule.rounds) / schedule.rounds;
  return spec.learningRate * (schedule.min + ((1 - schedule.min) * (1 + Math.cos(Math.PI * t))) / 2);
}

/**
 * Trains a model locally from `params` for `spec.epochs` epochs of mini-batch SGD or Adam (fresh optimizer state
 * each call, as FedAvg clients do) on softmax cross-entropy + L2 on the weights, plus FedProx's proximal term
 * μ/2·‖w − params‖² when the spec has proxMu > 0, at the round's scheduled learning rate. Deterministic: the same spec,
 * params, table and options give bit-identical results. With `validationFraction`, a fixed seeded subset of the
 * rows is held out (the same one every round) and its accuracy reported.
 *
 * @example
 * const { params, samples, metrics } = trainLocal(spec, globalParams, table, { round: 3, node: 1 })
 */
export function trainLocal(spec: ModelSpec, params: Float64Array, table: Table, options: TrainLocalOptions = {}): TrainLocalReturnType {
  const layout = modelLayout(spec);
  checkParams(layout, params);
  checkTable(spec, table);
  const n = table.features.rows;

  const { trainRows, valRows } = holdoutSplit(spec, n);
  if (trainRows.length === 0) throw new ModelInputError("The local table has no rows to train on: check the data file.");

  const p = Float64Array.from(params);
  const grad = new Float64Array(layout.length);
  const m = spec.optimizer === "adam" ? new Float64Array(layout.length) : undefined;
  const v = spec.optimizer === "adam" ? new Float64Array(layout.length) : undefined;
  const ws = createWorkspace(layout);
  const x = table.features.data;
  const y = table.labels;
  const lr = localLearningRate(spec, options.round ?? 0);
  const mu = spec.proxMu ?? 0;
  const l2 = spec.l2 ?? 0;
  const rng = createRng(spec.seed, TAG_SHUFFLE, options.round ?? 0, options.node ?? 0);
  const order = new Uint32Array(trainRows.length);
  let step = 0;

  for (let epoch = 0; epoch < spec.epochs; epoch++) {
    const perm = permutation(trainRows.length, rng);
    for (let k = 0; k < order.length; k++) order[k] = trainRows[perm[k]];
    for (let start = 0; start < order.length; start += spec.batchSize) {
      const end = Math.min(order.length, start + spec.batchSize);
      grad.fill(0);
      for (let k = start; k < end; k++) {
        forwardRow(layout, p, x, order[k], ws);
        backwardRow(layout, p, x, order[k], y[order[k]], ws, grad);
      }
      const inv = 1 / (end - start);
      for (let k = 0; k < grad.length; k++) grad[k] *= inv;
      if (l2 > 0)
        for (const layer of layout.layers)
          for (let k = layer.weights; k < layer.bias; k++) grad[k] += l2 * p[k];
      // FedProx: the gradient of μ/2·‖w − w_global‖² keeps non-IID nodes near the global model.
      if (mu > 0) for (let k = 0; k < p.length; k++) grad[k] += mu * (p[k] - params[k]);
      step++;
      if (m && v) {
        const c1 = 1 - ADAM_BETA1 ** step;
        const c2 = 1 - ADAM_BETA2 ** step;
        for (let k = 0; k < p.length; k++) {
          const g = grad[k];
          m[k] = ADAM_BETA1 * m[k] + (1 - ADAM_BETA1) * g;
          v[k] = ADAM_BETA2 * v[k] + (1 - ADAM_BETA2) * g * g;
          p[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + ADAM_EPSILON);
        }
      } else for (let k = 0; k < p.length; k++) p[k] -= lr * grad[k];
    }
    for (let k = 0; k < p.length; k++)
      if (!Number.isFinite(p[k]))
        throw new ModelInputError(`Local training diverged in epoch ${epoch + 1}: lower the spec's learningRate.`);
    options.onProgress?.(epoch + 1, spec.epochs);
  }

  const train = evaluateRows(layout, p, table, trainRows);
  const metrics: LocalMetrics = { loss: train.logLoss, accuracy: train.accuracy };
  if (valRows) {
    const val = evaluateRows(layout, p, table, valRows);
    metrics.valAccuracy = val.accuracy;
    metrics.valLoss = val.logLoss;
  }
  return { params: p, samples: trainRows.length, metrics };
}
