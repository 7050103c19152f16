import {
  argmax,
  checkParams,
  checkTable,
  createWorkspace,
  forwardRow,
  modelLayout,
  PROBABILITY_FLOOR,
  type ModelLayout,
  type Table,
} from "./model.ts";
import type { ModelSpec } from "./modelSpec.ts";
import { createRng, permutation } from "./prng.ts";
import type { Matrix } from "../data/matrix.ts";

const TAG_SPLIT = 0x5b1;

/**
 * A node's fixed split of its n rows: with `validationFraction`, a seeded subset (the same every round) is held out
 * (at least 1 row, never all); otherwise every row trains and nothing is held out. Held-out rows never outnumber the
 * training rows (validationFraction <= 0.5), which bounds the evaluation counts by the samples on chain.
 *
 * @example
 * const { trainRows, valRows } = holdoutSplit(spec, table.features.rows)
 */
export function holdoutSplit(spec: Pick<ModelSpec, "seed" | "validationFraction">, n: number): { trainRows: Uint32Array; valRows?: Uint32Array } {
  const validation = spec.validationFraction ?? 0;
  const nVal = validation > 0 && n >= 2 ? Math.min(n - 1, Math.max(1, Math.floor(validation * n))) : 0;
  if (nVal === 0) return { trainRows: Uint32Array.from({ length: n }, (_, i) => i) };
  const split = permutation(n, createRng(spec.seed, TAG_SPLIT));
  return { trainRows: split.slice(nVal), valRows: split.slice(0, nVal) };
}

/**
 * The rows a node evaluates the global model on each round: its held-out rows, or all its rows when the spec holds
 * none out (then the figure is the global model's accuracy on the training data).
 */
export function evaluationRows(spec: Pick<ModelSpec, "seed" | "validationFraction">, n: number): Uint32Array {
  const { trainRows, valRows } = holdoutSplit(spec, n);
  return valRows ?? trainRows;
}

/** Per-row log-loss is clipped at this many nats before it is summed (so the fixed-point sum is bounded). */
export const LOSS_CAP = 16;

/** Integer-exact evaluation counts of a model on some rows (what a node adds to its update, before masking). */
export type EvaluationCounts = {
  rows: number;
  correct: number;
  /** Σ min(−ln p(label), LOSS_CAP) over the rows (probabilities floored at 1e-15). */
  lossSum: number;
  /** Rows per class (index = class). */
  classRows: number[];
  /** Correctly classified rows per class. */
  classCorrect: number[];
};

/**
 * Counts of `params` on `rows` of `table` (all rows when omitted): rows, correct, capped loss sum, per class.
 *
 * @example
 * const counts = countEvaluation(spec, global, table, evaluationRows(spec, table.features.rows))
 */
export function countEvaluation(spec: ModelSpec, params: Float64Array, table: Table, rows?: ArrayLike<number>): EvaluationCounts {
  const layout = modelLayout(spec);
  checkParams(layout, params);
  checkTable(spec, table);
  const ws = createWorkspace(layout);
  const n = rows ? rows.length : table.features.rows;
  const out: EvaluationCounts = { rows: n, correct: 0, lossSum: 0, classRows: new Array(layout.classes).fill(0), classCorrect: new Array(layout.classes).fill(0) };
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    const p = forwardRow(layout, params, table.features.data, r, ws);
    const y = table.labels[r];
    out.classRows[y]++;
    if (argmax(p) === y) {
      out.correct++;
      out.classCorrect[y]++;
    }
    out.lossSum += Math.min(-Math.log(Math.max(p[y], PROBABILITY_FLOOR)), LOSS_CAP);
  }
  return out;
}

export type EvaluateReturnType = {
  /** Share of rows whose most probable class is the label, in [0, 1]. */
  accuracy: number;
  /** Mean cross-entropy (natural log), probabilities floored at 1e-15. */
  logLoss: number;
  /** Rows evaluated. */
  samples: number;
};

/**
 * Accuracy and log-loss of a model on a labelled table.
 *
 * @example
 * const { accuracy, logLoss } = evaluate(spec, params, testTable)
 */
export function evaluate(spec: ModelSpec, params: Float64Array, table: Table): EvaluateReturnType {
  const layout = modelLayout(spec);
  checkParams(layout, params);
  checkTable(spec, table);
  return evaluateRows(layout, params, table);
}

/** evaluate() on a subset of rows (all rows when `rows` is omitted); no input checks. */
export function evaluateRows(layout: ModelLayout, params: Float64Array, table: Table, rows?: ArrayLike<number>): EvaluateReturnType {
  const ws = createWorkspace(layout);
  const x = table.features.data;
  const n = rows ? rows.length : table.features.rows;
  let correct = 0;
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    const p = forwardRow(layout, params, x, r, ws);
    const y = table.labels[r];
    if (argmax(p) === y) correct++;
    loss -= Math.log(Math.max(p[y], PROBABILITY_FLOOR));
  }
  return { accuracy: n === 0 ? 0 : correct / n, logLoss: n === 0 ? 0 : loss / n, samples: n };
}

/**
 * Class probabilities for every row: a rows × classes matrix.
 *
 * @example
 * const proba = predictProba(spec, params, table.features)
 */
export function predictProba(spec: ModelSpec, params: Float64Array, features: Matrix): Matrix {
  const layout = modelLayout(spec);
  checkParams(layout, params);
  checkTable(spec, { features, labels: new Int32Array(0) }, { labels: false });
  const ws = createWorkspace(layout);
  const C = layout.classes;
  const out = new Float64Array(features.rows * C);
  for (let r = 0; r < features.rows; r++) out.set(forwardRow(layout, params, features.data, r, ws), r * C);
  return { rows: features.rows, cols: C, data: out };
}

/**
 * The most probable class index of every row.
 *
 * @example
 * const classes = predict(spec, params, table.features) // Int32Array of indices into spec.classes
 */
export function predict(spec: ModelSpec, params: Float64Array, features: Matrix): Int32Array {
  const proba = predictProba(spec, params, features);
  const out = new Int32Array(proba.rows);
  for (let r = 0; r < proba.rows; r++) out[r] = argmax(proba.data.subarray(r * proba.cols, (r + 1) * proba.cols));
  return out;
}
