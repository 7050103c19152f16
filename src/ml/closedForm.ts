// Models fitted in closed form from pooled sufficient statistics (statisticsLayout.ts): ridge regression, linear
// discriminant analysis and Gaussian naive Bayes. Pure float64 arithmetic; the same statistics give the same model.
import type { Matrix } from "../data/matrix.ts";
import { MlError } from "./errors.ts";
import { statisticsOffsets, triangleIndex } from "./statisticsLayout.ts";
import type { StatisticsLayout } from "./statisticsLayout.ts";

/** Ridge regression ŷ = w·x + b. */
export type RidgeModel = { kind: "ridge"; weights: number[]; bias: number };
/** A linear classifier (LDA): class = argmax_k (W_k·x + b_k); the same shape as computeStats' `model`. */
export type LinearClassifier = { kind: "lda"; weights: number[][]; bias: number[] };
/** Gaussian naive Bayes: per class and feature a mean and a variance, and the class log-priors. */
export type GaussianNaiveBayes = { kind: "gaussian-nb"; means: number[][]; variances: number[][]; logPriors: number[] };
/** Quadratic discriminant analysis: per class a mean, the inverse of its covariance, its log-determinant, a log-prior. */
export type QuadraticClassifier = {
  kind: "qda";
  means: number[][];
  /** Σ_k⁻¹, row-major D × D per class. */
  precisions: number[][];
  logDets: number[];
  logPriors: number[];
};
export type Classifier = LinearClassifier | GaussianNaiveBayes | QuadraticClassifier;
export type ClosedFormModel = RidgeModel | Classifier;

/**
 * Solves A·x = b for a symmetric positive definite n × n matrix A (row-major) by Cholesky (A = L·Lᵀ), n is small
 * (features + 1). Throws an MlError naming the pivot when A is not positive definite (collinear or constant
 * features: add a ridge penalty or shrinkage).
 *
 * @example
 * choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2) // [0.5, 0]
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return choleskySolveWith(choleskyFactor(a, n), b, n);
}

/** The lower-triangular L of A = L·Lᵀ (row-major), or an MlError naming the failing pivot. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.abs(a[i * n + i]))) {
          throw new MlError(
            `The system is singular at feature ${i} (pivot ${s}): features are collinear or constant; ` +
              "use a larger ridge penalty (lambda) or LDA shrinkage.",
          );
        }
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b by forward and back substitution. */
function choleskySolveWith(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

function requireKind<K extends StatisticsLayout["kind"]>(layout: StatisticsLayout, kind: K, what: string) {
  if (layout.kind !== kind) throw new MlError(`${what} needs ${kind} statistics, got ${layout.kind}.`);
  return layout as Extract<StatisticsLayout, { kind: K }>;
}

/**
 * Ridge regression from pooled statistics: minimizes Σ(y − w·x − b)² + λ‖w‖² (the intercept is not penalized) by
 * solving [[XᵀX + λI, Σx], [Σxᵀ, n]]·[w; b] = [Xᵀy; Σy].
 *
 * @example
 * const model = fitRidge(pooled, layout, { lambda: 1 }); // { kind: "ridge", weights, bias }
 */
export function fitRidge(statistics: Float64Array, layout: StatisticsLayout, options: { lambda?: number } = {}): RidgeModel {
  const { features: d } = requireKind(layout, "regression", "Ridge regression");
  const lambda = options.lambda ?? 0;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new MlError(`The ridge penalty lambda must be >= 0, got ${lambda}.`);
  const o = statisticsOffsets(layout);
  const n = statistics[o.count];
  if (!(n > d)) throw new MlError(`Ridge regression with ${d} features needs more than ${d} rows, the statistics hold ${n}.`);
  const m = d + 1;
  const a = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) a[i * m + j] = statistics[o.sumXX + triangleIndex(d, i, j)];
    a[i * m + i] += lambda;
    a[i * m + d] = a[d * m + i] = statistics[o.sumX + i];
    rhs[i] = statistics[o.sumXY + i];
  }
  a[d * m + d] = n;
  rhs[d] = statistics[o.sumY];
  const w = choleskySolve(a, rhs, m);
  return { kind: "ridge", weights: Array.from(w.subarray(0, d)), bias: w[d] };
}

/** Per class: n_k, mean μ_k, and the scatter Σxxᵀ − n_k μ_k μ_kᵀ (d × d). Refuses a class without rows. */
function classMoments(statistics: Float64Array, layout: Extract<StatisticsLayout, { kind: "classification" }>) {
  const o = statisticsOffsets(layout);
  const d = layout.features;
  return Array.from({ length: layout.classes }, (_, k) => {
    const at = o.block(k);
    const n = statistics[at + o.count];
    if (!(n >= 1)) throw new MlError(`Class ${k} has no rows in the pooled statistics; a model cannot be fitted for it.`);
    const mean = Array.from({ length: d }, (_, i) => statistics[at + o.sumX + i] / n);
    const scatter = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        scatter[i * d + j] = statistics[at + o.sumXX + triangleIndex(d, i, j)] - n * mean[i] * mean[j];
      }
    }
    return { n, mean, scatter };
  });
}

/**
 * Linear discriminant analysis from pooled statistics: class means μ_k, priors π_k = n_k / n, shared covariance
 * Σ = Σ_k scatter_k / (n − K) + shrinkage·I; discriminant δ_k(x) = x·Σ⁻¹μ_k − ½ μ_k·Σ⁻¹μ_k + log π_k, i.e. a
 * linear model with W_k = Σ⁻¹μ_k.
 *
 * @example
 * const model = fitLda(pooled, layout); // { kind: "lda", weights: K × D, bias: K }
 */
export function fitLda(
  statistics: Float64Array,
  layout: StatisticsLayout,
  options: { shrinkage?: number } = {},
): LinearClassifier {
  const cls = requireKind(layout, "classification", "LDA");
  const d = cls.features;
  const shrinkage = options.shrinkage ?? 0;
  if (!(shrinkage >= 0) || !Number.isFinite(shrinkage)) throw new MlError(`LDA shrinkage must be >= 0, got ${shrinkage}.`);
  const moments = classMoments(statistics, cls);
  const total = moments.reduce((s, m) => s + m.n, 0);
  if (!(total > cls.classes)) throw new MlError(`LDA needs more rows than classes (${cls.classes}), the statistics hold ${total}.`);
  const cov = new Float64Array(d * d);
  for (const m of moments) for (let i = 0; i < d * d; i++) cov[i] += m.scatter[i] / (total - cls.classes);
  for (let i = 0; i < d; i++) cov[i * d + i] += shrinkage;
  const weights: number[][] = [];
  const bias: number[] = [];
  for (const m of moments) {
    const w = choleskySolve(cov, Float64Array.from(m.mean), d);
    weights.push(Array.from(w));
    bias.push(-0.5 * m.mean.reduce((s, mu, i) => s + mu * w[i], 0) + Math.log(m.n / total));
  }
  return { kind: "lda", weights, bias };
}

/**
 * Gaussian naive Bayes from the same statistics (only the diagonal of Σxxᵀ is used): per class and feature the
 * mean and the variance (population, + `varianceFloor` so a constant feature does not divide by zero).
 */
export function fitGaussianNaiveBayes(
  statistics: Float64Array,
  layout: StatisticsLayout,
  options: { varianceFloor?: number } = {},
): GaussianNaiveBayes {
  const cls = requireKind(layout, "classification", "Gaussian naive Bayes");
  const d = cls.features;
  const floor = options.varianceFloor ?? 1e-9;
  const moments = classMoments(statistics, cls);
  const total = moments.reduce((s, m) => s + m.n, 0);
  return {
    kind: "gaussian-nb",
    means: moments.map((m) => m.mean),
    variances: moments.map((m) => Array.from({ length: d }, (_, i) => Math.max(0, m.scatter[i * d + i] / m.n) + floor)),
    logPriors: moments.map((m) => Math.log(m.n / total)),
  };
}

/**
 * Quadratic discriminant analysis: per class Σ_k = scatter_k / (n_k − 1) + shrinkage·I; score
 * log π_k − ½ log|Σ_k| − ½ (x − μ_k)ᵀ Σ_k⁻¹ (x − μ_k). Needs more than D rows per class (or shrinkage > 0).
 */
export function fitQda(statistics: Float64Array, layout: StatisticsLayout, options: { shrinkage?: number } = {}): QuadraticClassifier {
  const cls = requireKind(layout, "classification", "QDA");
  const d = cls.features;
  const shrinkage = options.shrinkage ?? 0;
  if (!(shrinkage >= 0) || !Number.isFinite(shrinkage)) throw new MlError(`QDA shrinkage must be >= 0, got ${shrinkage}.`);
  const moments = classMoments(statistics, cls);
  const total = moments.reduce((s, m) => s + m.n, 0);
  const model: QuadraticClassifier = { kind: "qda", means: [], precisions: [], logDets: [], logPriors: [] };
  for (const [k, m] of moments.entries()) {
    if (!(m.n > 1)) throw new MlError(`QDA needs at least 2 rows of class ${k}, the statistics hold ${m.n}.`);
    const cov = m.scatter.map((v) => v / (m.n - 1));
    for (let i = 0; i < d; i++) cov[i * d + i] += shrinkage;
    const l = choleskyFactor(cov, d);
    const precision = new Array<number>(d * d);
    for (let j = 0; j < d; j++) {
      const column = choleskySolveWith(l, Float64Array.from({ length: d }, (_, i) => (i === j ? 1 : 0)), d);
      for (let i = 0; i < d; i++) precision[i * d + j] = column[i];
    }
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i]);
    model.means.push(m.mean);
    model.precisions.push(precision);
    model.logDets.push(logDet);
    model.logPriors.push(Math.log(m.n / total));
  }
  return model;
}

/** Predicted class of every row (classifiers). */
export function predictClasses(model: Classifier, features: Matrix): Int32Array {
  const { rows, cols, data } = features;
  const out = new Int32Array(rows);
  const classes = model.kind === "lda" ? model.weights.length : model.means.length;
  const diff = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let best = -Infinity;
    for (let k = 0; k < classes; k++) {
      let score: number;
      if (model.kind === "lda") {
        score = model.bias[k];
        for (let i = 0; i < cols; i++) score += model.weights[k][i] * data[r * cols + i];
      } else if (model.kind === "qda") {
        const p = model.precisions[k];
        for (let i = 0; i < cols; i++) diff[i] = data[r * cols + i] - model.means[k][i];
        let q = 0;
        for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) q += diff[i] * p[i * cols + j] * diff[j];
        score = model.logPriors[k] - 0.5 * model.logDets[k] - 0.5 * q;
      } else {
        score = model.logPriors[k];
        for (let i = 0; i < cols; i++) {
          const v = model.variances[k][i];
          score -= 0.5 * (Math.log(2 * Math.PI * v) + (data[r * cols + i] - model.means[k][i]) ** 2 / v);
        }
      }
      if (score > best) {
        best = score;
        out[r] = k;
      }
    }
  }
  return out;
}

/** ŷ of every row (ridge). */
export function predictValues(model: RidgeModel, features: Matrix): Float64Array {
  const { rows, cols, data } = features;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let y = model.bias;
    for (let i = 0; i < cols; i++) y += model.weights[i] * data[r * cols + i];
    out[r] = y;
  }
  return out;
}

/** Share of rows whose predicted class is the label. */
export function accuracy(model: Classifier, features: Matrix, labels: Int32Array): number {
  const predicted = predictClasses(model, features);
  let correct = 0;
  for (let r = 0; r < labels.length; r++) if (predicted[r] === labels[r]) correct++;
  return correct / labels.length;
}

/** Root mean squared error of a ridge model. */
export function rmse(model: RidgeModel, features: Matrix, targets: Float64Array): number {
  const predicted = predictValues(model, features);
  let sum = 0;
  for (let r = 0; r < targets.length; r++) sum += (predicted[r] - targets[r]) ** 2;
  return Math.sqrt(sum / targets.length);
}
