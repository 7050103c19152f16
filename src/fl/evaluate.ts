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
import type { Matrix } from "../data/matrix.ts";

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
