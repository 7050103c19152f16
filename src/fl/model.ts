import type { Matrix } from "../data/matrix.ts";
import { ModelInputError } from "./errors.ts";
import type { ModelSpec } from "./modelSpec.ts";
import { createRng } from "./prng.ts";


/**
 * A training/evaluation table: standardized features (columns in the spec's `features` order) and class indices
 * (into the spec's `classes`). A `StandardizedTable` from src/data fits; when `columns` is present it is checked
 * against the spec.
 */
export type Table = { features: Matrix; labels: Int32Array; columns?: readonly string[] };

/** One dense layer inside the flat parameter vector: weights [outputs × inputs] row-major, then the bias. */
export type DenseLayer = { inputs: number; outputs: number; weights: number; bias: number };

/**
 * Where every parameter lives in the flat Float64Array.
 * - logreg: `W (C×D, row c = class c) | b (C)` — length C·D + C.
 * - mlp:    `W1 (H×D) | b1 (H) | W2 (C×H) | b2 (C)` — length H·D + H + C·H + C.
 * (D = features, H = hidden units, C = classes; W[o·inputs + i] is the weight from input i to output o.)
 */
export type ModelLayout = {
  model: ModelSpec["model"];
  activation: "relu" | "tanh";
  inputs: number;
  hidden: number;
  classes: number;
  layers: DenseLayer[];
  length: number;
};

/**
 * The parameter layout of a spec's model.
 *
 * @example
 * modelLayout(spec).length // number of parameters
 */
export function modelLayout(spec: ModelSpec): ModelLayout {
  const D = spec.features.length;
  const C = spec.classes.length;
  const H = spec.model === "mlp" ? (spec.hidden ?? 0) : 0;
  const layers: DenseLayer[] = [];
  let offset = 0;
  const dense = (inputs: number, outputs: number) => {
    layers.push({ inputs, outputs, weights: offset, bias: offset + inputs * outputs });
    offset += inputs * outputs + outputs;
  };
  if (spec.model === "mlp") {
    dense(D, H);
    dense(H, C);
  } else dense(D, C);
  return { model: spec.model, activation: spec.activation ?? "relu", inputs: D, hidden: H, classes: C, layers, length: offset };
}

/**
 * Number of parameters of a spec's model (the length of every update vector).
 *
 * @example
 * paramCount(spec) // e.g. 15 for logreg with 4 features and 3 classes
 */
export function paramCount(spec: ModelSpec): number {
  return modelLayout(spec).length;
}

/**
 * The initial global parameters, a pure function of the spec (every node and the aggregator derive the same).
 * Weights are Gaussian — std 0.01 for logistic regression, He (ReLU) or Xavier (tanh) scaling for the MLP —
 * biases zero.
 *
 * @example
 * const global = initParams(spec)
 */
export function initParams(spec: ModelSpec): Float64Array {
  const layout = modelLayout(spec);
  const params = new Float64Array(layout.length);
  const rng = createRng(spec.seed, 0x1417);
  for (const layer of layout.layers) {
    const std =
      layout.model === "logreg"
        ? 0.01
        : layer === layout.layers[0] && layout.activation === "relu"
          ? Math.sqrt(2 / layer.inputs)
          : Math.sqrt(1 / layer.inputs);
    for (let k = 0; k < layer.inputs * layer.outputs; k++) params[layer.weights + k] = std * rng.normal();
  }
  return params;
}

/** Throws unless `params` is a finite vector of the model's length. */
export function checkParams(layout: ModelLayout, params: Float64Array): void {
  if (!(params instanceof Float64Array) || params.length !== layout.length)
    throw new ModelInputError(
      `The parameter vector has ${params?.length} values but the model needs ${layout.length}: use the task's model.`,
    );
}

/** Throws unless the table's shape, columns and labels fit the spec. */
export function checkTable(spec: ModelSpec, table: Table, options: { labels?: boolean } = {}): void {
  const { features, labels } = table;
  const D = spec.features.length;
  if (features.cols !== D || features.data.length !== features.rows * features.cols)
    throw new ModelInputError(
      `The feature matrix has ${features.cols} columns but the model spec lists ${D} features: standardize the data with the task's schema.`,
    );
  if (table.columns && table.columns.join("\u0000") !== spec.features.join("\u0000"))
    throw new ModelInputError("The table's columns differ from the model spec's features: standardize with the task's schema.", {
      details: `table: ${table.columns.join(", ")}\nspec: ${spec.features.join(", ")}`,
    });
  if (options.labels === false) return;
  if (labels.length !== features.rows)
    throw new ModelInputError(`The table has ${features.rows} feature rows but ${labels.length} labels.`);
  const C = spec.classes.length;
  for (let r = 0; r < labels.length; r++)
    if (!(labels[r] >= 0 && labels[r] < C))
      throw new ModelInputError(`Label ${labels[r]} of row ${r} is not a class index in [0, ${C}).`);
}

/** Per-row scratch buffers: pre-activations, activations (last layer: probabilities) and back-propagated deltas. */
export type Workspace = { z: Float64Array[]; a: Float64Array[]; delta: Float64Array[] };

export function createWorkspace(layout: ModelLayout): Workspace {
  return {
    z: layout.layers.map((l) => new Float64Array(l.outputs)),
    a: layout.layers.map((l) => new Float64Array(l.outputs)),
    delta: layout.layers.map((l) => new Float64Array(l.outputs)),
  };
}

/** Forward pass of row `row` of `x`; returns the class probabilities (a view into the workspace). */
export function forwardRow(layout: ModelLayout, params: Float64Array, x: Float64Array, row: number, ws: Workspace): Float64Array {
  const last = layout.layers.length - 1;
  let input = x;
  let inOff = row * layout.inputs;
  for (let l = 0; l <= last; l++) {
    const { inputs, outputs, weights, bias } = layout.layers[l];
    const z = ws.z[l];
    const a = ws.a[l];
    for (let o = 0; o < outputs; o++) {
      let s = params[bias + o];
      const w = weights + o * inputs;
      for (let i = 0; i < inputs; i++) s += params[w + i] * input[inOff + i];
      z[o] = s;
    }
    if (l === last) softmax(z, a);
    else if (layout.activation === "relu") for (let o = 0; o < outputs; o++) a[o] = z[o] > 0 ? z[o] : 0;
    else for (let o = 0; o < outputs; o++) a[o] = Math.tanh(z[o]);
    input = a;
    inOff = 0;
  }
  return ws.a[last];
}

/**
 * Back-propagates the cross-entropy loss of row `row` (after forwardRow) and adds its gradient into `grad`.
 */
export function backwardRow(
  layout: ModelLayout,
  params: Float64Array,
  x: Float64Array,
  row: number,
  label: number,
  ws: Workspace,
  grad: Float64Array,
): void {
  const last = layout.layers.length - 1;
  const top = ws.delta[last];
  top.set(ws.a[last]);
  top[label] -= 1; // d(cross-entropy)/d(logits) = p − onehot(y)
  for (let l = last; l >= 0; l--) {
    const { inputs, outputs, weights, bias } = layout.layers[l];
    const delta = ws.delta[l];
    const input = l === 0 ? x : ws.a[l - 1];
    const inOff = l === 0 ? row * layout.inputs : 0;
    for (let o = 0; o < outputs; o++) {
      const d = delta[o];
      if (d === 0) continue;
      grad[bias + o] += d;
      const w = weights + o * inputs;
      for (let i = 0; i < inputs; i++) grad[w + i] += d * input[inOff + i];
    }
    if (l > 0) {
      const below = ws.delta[l - 1];
      const zb = ws.z[l - 1];
      const ab = ws.a[l - 1];
      below.fill(0);
      for (let o = 0; o < outputs; o++) {
        const d = delta[o];
        if (d === 0) continue;
        const w = weights + o * inputs;
        for (let i = 0; i < inputs; i++) below[i] += params[w + i] * d;
      }
      if (layout.activation === "relu") for (let i = 0; i < inputs; i++) below[i] = zb[i] > 0 ? below[i] : 0;
      else for (let i = 0; i < inputs; i++) below[i] *= 1 - ab[i] * ab[i];
    }
  }
}

function softmax(z: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    out[i] = Math.exp(z[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < z.length; i++) out[i] /= sum;
}

/** Index of the largest probability (first on ties). */
export function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Smallest probability used in log-loss, so a confident mistake costs a large but finite loss. */
export const PROBABILITY_FLOOR = 1e-15;
