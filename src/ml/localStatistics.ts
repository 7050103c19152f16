// What a contributor computes on its own rows, in plaintext, before encrypting: the sufficient statistics of the
// task's layout.
import type { Matrix } from "../data/matrix.ts";
import { MlError } from "./errors.ts";
import { statisticsOffsets } from "./statisticsLayout.ts";
import type { StatisticsLayout } from "./statisticsLayout.ts";

/** Rows of standardized features with a class label (classification) or a numeric target (regression). */
export type StatisticsTable = { features: Matrix; labels?: Int32Array; targets?: Float64Array };

/**
 * The flat statistics vector of `table` in `layout`'s order (see statisticsOffsets). Refuses rows that break the
 * layout's declared bounds (|x| > featureBound, |y| > targetBound, more than maxRows rows, a label outside
 * 0 … K−1), so a contribution can never carry a statistic beyond the bound the encryptor relies on.
 *
 * @example
 * const layout = parseStatisticsLayout({ kind: "classification", classes: 3, features: 4, featureBound: 8, maxRows: 10_000 });
 * const stats = localStatistics({ features, labels }, layout); // Float64Array(3 · 15)
 */
export function localStatistics(table: StatisticsTable, layout: StatisticsLayout): Float64Array {
  const { rows, cols, data } = table.features;
  const d = layout.features;
  if (cols !== d) throw new MlError(`The table has ${cols} features, the layout ${d}.`);
  if (rows > layout.maxRows) {
    throw new MlError(`The table has ${rows} rows, more than the layout's maxRows ${layout.maxRows}; split it.`);
  }
  const o = statisticsOffsets(layout);
  const out = new Float64Array(o.length);
  const labels = table.labels;
  const targets = table.targets;
  if (layout.kind === "classification" && labels?.length !== rows) {
    throw new MlError(`Classification statistics need one label per row (${rows}), got ${labels?.length ?? "none"}.`);
  }
  if (layout.kind === "regression" && targets?.length !== rows) {
    throw new MlError(`Regression statistics need one target per row (${rows}), got ${targets?.length ?? "none"}.`);
  }
  for (let r = 0; r < rows; r++) {
    let at = 0;
    if (layout.kind === "classification") {
      const k = labels![r];
      if (!Number.isInteger(k) || k < 0 || k >= layout.classes) {
        throw new MlError(`Row ${r} has label ${k}; labels must be 0 … ${layout.classes - 1}.`);
      }
      at = o.block(k);
    }
    const x = data.subarray(r * d, (r + 1) * d);
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(x[i]) || Math.abs(x[i]) > layout.featureBound) {
        throw new MlError(
          `Row ${r}, feature ${i} is ${x[i]}, beyond the layout's featureBound ${layout.featureBound}; ` +
            "standardize with the call's statistics and clip or drop outliers first.",
        );
      }
    }
    out[at + o.count] += 1;
    let t = at + o.sumXX;
    for (let i = 0; i < d; i++) {
      out[at + o.sumX + i] += x[i];
      for (let j = i; j < d; j++) out[t++] += x[i] * x[j];
    }
    if (layout.kind === "regression") {
      const y = targets![r];
      if (!Number.isFinite(y) || Math.abs(y) > layout.targetBound) {
        throw new MlError(`Row ${r} has target ${y}, beyond the layout's targetBound ${layout.targetBound}.`);
      }
      for (let i = 0; i < d; i++) out[at + o.sumXY + i] += x[i] * y;
      out[at + o.sumY] += y;
      out[at + o.sumYY] += y * y;
    }
  }
  return out;
}

/** Entry-wise sum of statistics vectors (the plaintext union; what the encrypted path must reproduce). */
export function addStatisticsPlain(vectors: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(vectors[0]?.length ?? 0);
  for (const v of vectors) {
    if (v.length !== out.length) throw new MlError(`Statistics of ${v.length} and ${out.length} entries cannot be added.`);
    for (let i = 0; i < v.length; i++) out[i] += v[i];
  }
  return out;
}
