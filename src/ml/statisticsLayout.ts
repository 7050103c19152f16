// The layout of a task's sufficient statistics: which sums a contributor computes, where each sits in one flat
// Float64 vector, and the bound each may reach. The one definition used by the contributor (localStatistics), the
// encryptor (bounds), and the fits (closedForm.ts).
import { z } from "zod/v4";
import { MlError } from "./errors.ts";

export const statisticsLayoutSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("classification"),
    /** Number of classes K (labels 0 … K−1). */
    classes: z.number().int().min(2).max(64),
    /** Number of standardized features D. */
    features: z.number().int().min(1).max(64),
    /** |x| <= featureBound for every feature of every row (standardized data: a few units). */
    featureBound: z.number().positive().finite(),
    /** Most rows one contribution may hold. */
    maxRows: z.number().int().positive().max(2 ** 32),
  }),
  z.object({
    kind: z.literal("regression"),
    features: z.number().int().min(1).max(64),
    featureBound: z.number().positive().finite(),
    /** |y| <= targetBound for every row. */
    targetBound: z.number().positive().finite(),
    maxRows: z.number().int().positive().max(2 ** 32),
  }),
]);

/** What the task needs: classification with K classes or regression on a numeric target, D features. */
export type StatisticsLayout = z.output<typeof statisticsLayoutSchema>;

/** Validates a layout (a one-line MlError otherwise). */
export function parseStatisticsLayout(input: unknown): StatisticsLayout {
  const parsed = statisticsLayoutSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlError(`Invalid statistics layout: ${issue.path.join(".") || "(top level)"}: ${issue.message}.`);
  }
  return parsed.data;
}

/** D(D+1)/2: the upper triangle of Σxxᵀ, row by row (i <= j). */
export const triangle = (d: number): number => (d * (d + 1)) / 2;

/** Index of (i, j) in the row-major upper triangle of a d × d symmetric matrix. */
export function triangleIndex(d: number, i: number, j: number): number {
  const [a, b] = i <= j ? [i, j] : [j, i];
  return a * d - (a * (a - 1)) / 2 + (b - a);
}

/**
 * Offsets in the flat vector.
 * - classification, per class k (block of 1 + D + D(D+1)/2 at k·block): n_k, Σx (D), Σxxᵀ upper triangle.
 * - regression (one block): n, Σx (D), Σxxᵀ upper triangle, Σx·y (D), Σy, Σy².
 */
export type StatisticsOffsets = {
  length: number;
  /** Start of class k's block (regression: one block, k = 0). */
  block: (k: number) => number;
  count: 0;
  sumX: 1;
  sumXX: number;
  /** Regression only: Σx·y, Σy, Σy² (relative to the block). */
  sumXY: number;
  sumY: number;
  sumYY: number;
};

export function statisticsOffsets(layout: StatisticsLayout): StatisticsOffsets {
  const d = layout.features;
  const sumXX = 1 + d;
  const sumXY = sumXX + triangle(d);
  const blockLength = layout.kind === "classification" ? sumXY : sumXY + d + 2;
  const blocks = layout.kind === "classification" ? layout.classes : 1;
  return {
    length: blocks * blockLength,
    block: (k) => k * blockLength,
    count: 0,
    sumX: 1,
    sumXX,
    sumXY,
    sumY: sumXY + d,
    sumYY: sumXY + d + 1,
  };
}

/**
 * The bound of every entry of one contribution's vector: n <= maxRows, |Σx| <= maxRows·B, |Σxx| <= maxRows·B²,
 * |Σxy| <= maxRows·B·Y, |Σy| <= maxRows·Y, Σy² <= maxRows·Y² (B = featureBound, Y = targetBound). The encryptor
 * divides each entry by its bound, so every encrypted value lies in [−1, 1] whatever the data.
 */
export function statisticBounds(layout: StatisticsLayout): Float64Array {
  const o = statisticsOffsets(layout);
  const d = layout.features;
  const rows = layout.maxRows;
  const b = layout.featureBound;
  const bounds = new Float64Array(o.length);
  const blocks = layout.kind === "classification" ? layout.classes : 1;
  for (let k = 0; k < blocks; k++) {
    const at = o.block(k);
    bounds[at + o.count] = rows;
    bounds.fill(rows * b, at + o.sumX, at + o.sumX + d);
    bounds.fill(rows * b * b, at + o.sumXX, at + o.sumXX + triangle(d));
    if (layout.kind === "regression") {
      const y = layout.targetBound;
      bounds.fill(rows * b * y, at + o.sumXY, at + o.sumXY + d);
      bounds[at + o.sumY] = rows * y;
      bounds[at + o.sumYY] = rows * y * y;
    }
  }
  return bounds;
}

/**
 * The first entry of `statistics` outside its bound (or not finite, or a negative count / square sum), as a
 * readable name, or undefined when all fit.
 */
export function statisticOutOfBounds(layout: StatisticsLayout, statistics: Float64Array): string | undefined {
  const bounds = statisticBounds(layout);
  if (statistics.length !== bounds.length) {
    return `the vector has ${statistics.length} entries, the layout ${bounds.length}`;
  }
  const o = statisticsOffsets(layout);
  for (let i = 0; i < bounds.length; i++) {
    const v = statistics[i];
    const within = i % (o.length / (layout.kind === "classification" ? layout.classes : 1));
    const nonNegative = within === o.count || within === o.sumYY;
    if (!Number.isFinite(v) || Math.abs(v) > bounds[i] || (nonNegative && v < 0)) {
      return `entry ${i} (${statisticName(layout, i)}) is ${v}, its bound ${bounds[i]}`;
    }
  }
  return undefined;
}

/** "class 2 Σx[1]", "Σxy[0]"…: what entry `i` of the vector holds. */
export function statisticName(layout: StatisticsLayout, i: number): string {
  const o = statisticsOffsets(layout);
  const d = layout.features;
  const blockLength = layout.kind === "classification" ? o.length / layout.classes : o.length;
  const k = Math.floor(i / blockLength);
  const r = i - k * blockLength;
  const prefix = layout.kind === "classification" ? `class ${k} ` : "";
  if (r === o.count) return `${prefix}n`;
  if (r < o.sumXX) return `${prefix}Σx[${r - o.sumX}]`;
  if (r < o.sumXY) {
    let t = r - o.sumXX;
    let row = 0;
    while (t >= d - row) t -= d - row++;
    return `${prefix}Σxx[${row},${row + t}]`;
  }
  if (r < o.sumY) return `Σxy[${r - o.sumXY}]`;
  return r === o.sumY ? "Σy" : "Σy²";
}
