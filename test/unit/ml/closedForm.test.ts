import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  MlError,
  accuracy,
  choleskySolve,
  fitGaussianNaiveBayes,
  fitLda,
  fitQda,
  fitRidge,
  localStatistics,
  parseStatisticsLayout,
  statisticBounds,
  statisticName,
  statisticsOffsets,
} from "../../../src/ml/index.ts";
import { classificationLayout, loadPenguins, loadSeattleWeather, regressionLayout, regressionTable } from "./datasets.ts";

describe("closed-form models from sufficient statistics (ml)", () => {
  it("lays out n, Σx, Σxxᵀ (upper triangle) per class, and Σxy, Σy, Σy² for regression", () => {
    const cls = parseStatisticsLayout({ kind: "classification", classes: 3, features: 4, featureBound: 8, maxRows: 100 });
    assert.equal(statisticsOffsets(cls).length, 3 * (1 + 4 + 10));
    assert.deepEqual([0, 1, 5, 6, 14, 15].map((i) => statisticName(cls, i)), ["class 0 n", "class 0 Σx[0]", "class 0 Σxx[0,0]", "class 0 Σxx[0,1]", "class 0 Σxx[3,3]", "class 1 n"]);
    const reg = parseStatisticsLayout({ kind: "regression", features: 2, featureBound: 4, targetBound: 50, maxRows: 10 });
    assert.deepEqual(Array.from(statisticBounds(reg)), [10, 40, 40, 160, 160, 160, 2000, 2000, 500, 25000]);
    const stats = localStatistics({ features: { rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, -1]) }, targets: Float64Array.from([5, 7]) }, reg);
    // n, Σx, Σxx (00, 01, 11), Σxy, Σy, Σy²
    assert.deepEqual(Array.from(stats), [2, 4, 1, 10, -1, 5, 26, 3, 12, 74]);
    assert.throws(() => parseStatisticsLayout({ kind: "regression", features: 2, featureBound: 4, maxRows: 10 }), /targetBound/);
  });

  it("refuses rows beyond the layout's bounds before any statistic is formed", () => {
    const layout = parseStatisticsLayout({ kind: "classification", classes: 2, features: 1, featureBound: 3, maxRows: 2 });
    const features = (values: number[]) => ({ rows: values.length, cols: 1, data: Float64Array.from(values) });
    assert.throws(() => localStatistics({ features: features([1, 4]), labels: Int32Array.from([0, 1]) }, layout), (e: unknown) => e instanceof MlError && /featureBound 3/.test((e as Error).message));
    assert.throws(() => localStatistics({ features: features([1, 1, 1]), labels: Int32Array.from([0, 1, 1]) }, layout), /maxRows 2/);
    assert.throws(() => localStatistics({ features: features([1, 1]), labels: Int32Array.from([0, 2]) }, layout), /label 2/);
  });

  it("Cholesky solves a known system and refuses a singular one", () => {
    assert.deepEqual(Array.from(choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2)), [0.5, 0]);
    assert.throws(() => choleskySolve(Float64Array.from([1, 1, 1, 1]), Float64Array.from([1, 1]), 2), /singular at feature 1/);
  });

  it("ridge from statistics is the least-squares optimum: its gradient on the rows themselves is zero", () => {
    const ds = loadSeattleWeather();
    const table = regressionTable(ds.train);
    const layout = regressionLayout(ds);
    const lambda = 2;
    const model = fitRidge(localStatistics(table, layout), layout, { lambda });
    // ∂/∂w of Σ(y − w·x − b)² + λ‖w‖², ∂/∂b, from the rows (not the statistics)
    const { rows, cols, data } = table.features;
    const grad = new Float64Array(cols + 1);
    for (let r = 0; r < rows; r++) {
      let residual = table.targets![r] - model.bias;
      for (let c = 0; c < cols; c++) residual -= model.weights[c] * data[r * cols + c];
      for (let c = 0; c < cols; c++) grad[c] += -2 * residual * data[r * cols + c];
      grad[cols] += -2 * residual;
    }
    for (let c = 0; c < cols; c++) grad[c] += 2 * lambda * model.weights[c];
    assert.ok(Math.max(...grad.map(Math.abs)) < 1e-8, `gradient ${Array.from(grad)}`);
  });

  it("LDA and Gaussian naive Bayes classify held-out penguins (species from 4 measurements)", () => {
    const ds = loadPenguins();
    const layout = classificationLayout(ds);
    const stats = localStatistics(ds.train, layout);
    assert.ok(accuracy(fitLda(stats, layout), ds.test.features, ds.test.labels) >= 0.97);
    assert.ok(accuracy(fitGaussianNaiveBayes(stats, layout), ds.test.features, ds.test.labels) >= 0.9);
    const empty = stats.slice();
    empty.fill(0, statisticsOffsets(layout).block(1), statisticsOffsets(layout).block(2));
    assert.throws(() => fitLda(empty, layout), /Class 1 has no rows/);
  });
});

describe("QDA from sufficient statistics (ml)", () => {
  it("its precision matrix is the inverse of the class covariance computed from the rows", () => {
    const ds = loadPenguins();
    const layout = classificationLayout(ds);
    const model = fitQda(localStatistics(ds.train, layout), layout);
    const d = layout.features;
    // class 0's covariance, two-pass from the rows; Σ·Σ⁻¹ must be I
    const rows = Array.from({ length: ds.train.features.rows }, (_, r) => r).filter((r) => ds.train.labels[r] === 0);
    const x = (r: number, i: number) => ds.train.features.data[r * d + i];
    const mu = Array.from({ length: d }, (_, i) => rows.reduce((s, r) => s + x(r, i), 0) / rows.length);
    const cov = (i: number, j: number) => rows.reduce((s, r) => s + (x(r, i) - mu[i]) * (x(r, j) - mu[j]), 0) / (rows.length - 1);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += cov(i, k) * model.precisions[0][k * d + j];
        assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-9, `(Σ·Σ⁻¹)[${i},${j}] = ${v}`);
      }
    }
    assert.ok(accuracy(model, ds.test.features, ds.test.labels) >= 0.95);
  });
});
