// Shared by the sufficient-statistics tests and bench/fheSufficientStats.ts: the FL test data sets (real rows from
// vega-datasets, z-scored with the training rows' statistics, grouped into contributors) as statistics tables.
import type { StatisticsLayout, StatisticsTable } from "../../../src/ml/index.ts";
import type { Table } from "../../../src/fl/model.ts";
import { loadPenguins, loadSeattleWeather } from "../fl/helpers.ts";
import type { Dataset } from "../fl/helpers.ts";

export { loadPenguins, loadSeattleWeather };
export type { Dataset };

/** Classification layout for a data set: K classes, D features, |x| <= 10, up to 10^4 rows per contribution. */
export function classificationLayout(ds: Dataset): StatisticsLayout {
  return { kind: "classification", classes: ds.classes.length, features: ds.features.length, featureBound: 10, maxRows: 10_000 };
}

/** Seattle-weather's z-scored temp_max (feature 1) as the regression target of the other features. */
export const TARGET_FEATURE = 1;

export function regressionLayout(ds: Dataset): StatisticsLayout {
  return { kind: "regression", features: ds.features.length - 1, featureBound: 10, targetBound: 10, maxRows: 10_000 };
}

/** A table's rows as regression rows: feature TARGET_FEATURE becomes the target, the rest the features. */
export function regressionTable(table: Table): StatisticsTable {
  const { rows, cols, data } = table.features;
  const d = cols - 1;
  const features = new Float64Array(rows * d);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let k = 0;
    for (let c = 0; c < cols; c++) {
      if (c === TARGET_FEATURE) targets[r] = data[r * cols + c];
      else features[r * d + k++] = data[r * cols + c];
    }
  }
  return { features: { rows, cols: d, data: features }, targets };
}

/** Largest |a − b| over the model's parameters, relative to its largest |b|. */
export function modelRelDiff(a: { weights: number[] | number[][]; bias: number | number[] }, b: typeof a): number {
  const flat = (m: typeof a) => [...(m.weights as (number | number[])[]).flat(), ...[m.bias].flat()];
  const x = flat(a);
  const y = flat(b);
  if (x.length !== y.length) throw new Error("models of different shapes");
  const scale = Math.max(...y.map(Math.abs));
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]))) / scale;
}
