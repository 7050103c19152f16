// The update vector's layout, in one place: params block ‖ evaluation block. The evaluation block carries a node's
// integer evaluation counts, so they are masked and summed with the parameters and the aggregator learns only the
// round's totals. Layout (int32; C = classes):
//   [0] rows evaluated   [1] correct   [2] loss units = round(Σ min(−ln p, LOSS_CAP) · LOSS_SCALE)
//   [3] correct of the node's locally trained model on the same rows   [4] its loss units
//   [5 + 2c] rows of class c   [6 + 2c] correct rows of class c
import { FixedPointOverflowError, ModelInputError } from "./errors.ts";
import { LOSS_CAP, type EvaluationCounts } from "./evaluate.ts";
import { modelLayout } from "./model.ts";
import { INT32_SUM_LIMIT, type ModelSpec } from "./modelSpec.ts";

/** Fixed-point units per nat of the loss sums (a node's sum is rounded once: error <= 1/(2·LOSS_SCALE) per node). */
export const LOSS_SCALE = 128;

/**
 * Most rows the evaluation block of a round can count without overflowing the int32 sum: a node's loss units are
 * clamped to rows_i·LOSS_CAP·LOSS_SCALE (the largest word; counts are <= rows), so the sum stays
 * <= T·LOSS_CAP·LOSS_SCALE <= 2^31 − 1. Evaluated rows never exceed the nodes' rows, so sampleCapacity includes
 * this bound.
 */
export const EVALUATION_ROW_CAPACITY = Math.floor(INT32_SUM_LIMIT / (LOSS_CAP * LOSS_SCALE));

const HEAD = 5;

/** int32 values of the evaluation block: 5 + 2·classes. */
export function evaluationBlockLength(spec: Pick<ModelSpec, "classes">): number {
  return HEAD + 2 * spec.classes.length;
}

/** Length of an update vector: the model's parameters followed by the evaluation block. */
export function updateVectorLength(spec: ModelSpec): number {
  return modelLayout(spec).length + evaluationBlockLength(spec);
}

/** What a node evaluates at the start of a round attempt, on its evaluation rows. */
export type NodeEvaluation = {
  /** The global model the round started from (round 1: the initial model). */
  global: EvaluationCounts;
  /** The node's locally trained model, on the same rows. */
  local: EvaluationCounts;
};

const lossUnits = (lossSum: number) => Math.round(lossSum * LOSS_SCALE);

/**
 * The evaluation block of one node's update (before masking).
 *
 * @example
 * const block = encodeEvaluationBlock(spec, { global: countEvaluation(spec, global, table, rows), local: countEvaluation(spec, trained.params, table, rows) })
 */
export function encodeEvaluationBlock(spec: ModelSpec, evaluation: NodeEvaluation): Int32Array {
  const { global, local } = evaluation;
  const C = spec.classes.length;
  if (global.rows !== local.rows) throw new ModelInputError("The global and local models must be evaluated on the same rows.");
  if (global.rows < 1) throw new ModelInputError("A node must evaluate the model on at least one row.");
  if (global.rows > EVALUATION_ROW_CAPACITY)
    throw new FixedPointOverflowError(`${global.rows} evaluation rows exceed the evaluation block's capacity of ${EVALUATION_ROW_CAPACITY}.`);
  if (global.classRows.length !== C || global.classCorrect.length !== C) throw new ModelInputError(`The evaluation counts must have ${C} classes.`);
  const cap = (lossSum: number) => {
    if (!(lossSum >= 0 && lossSum <= global.rows * LOSS_CAP + 1e-9)) throw new ModelInputError(`The loss sum ${lossSum} is outside [0, rows·${LOSS_CAP}].`);
    return Math.min(lossUnits(lossSum), global.rows * LOSS_CAP * LOSS_SCALE);
  };
  const out = new Int32Array(evaluationBlockLength(spec));
  out[0] = global.rows;
  out[1] = global.correct;
  out[2] = cap(global.lossSum);
  out[3] = local.correct;
  out[4] = cap(local.lossSum);
  for (let c = 0; c < C; c++) {
    out[HEAD + 2 * c] = global.classRows[c];
    out[HEAD + 2 * c + 1] = global.classCorrect[c];
  }
  return out;
}

/**
 * Splits an update vector (or a sum of them) into its params block and evaluation block (views, no copy).
 *
 * @example
 * const { params, evaluation } = splitUpdateVector(spec, sum)
 */
export function splitUpdateVector(spec: ModelSpec, vector: Int32Array): { params: Int32Array; evaluation: Int32Array } {
  const p = modelLayout(spec).length;
  if (vector.length !== p + evaluationBlockLength(spec))
    throw new ModelInputError(`An update vector of this model has ${p + evaluationBlockLength(spec)} values, not ${vector.length}.`);
  return { params: vector.subarray(0, p), evaluation: vector.subarray(p) };
}

/** A class's pooled counts and recall (correct / rows; undefined when no evaluated row has the class). */
export type ClassEvaluation = { rows: number; correct: number; recall?: number };

/** The round's pooled evaluation: what the aggregator learns from the unmasked sum. */
export type EvaluationSum = {
  /** Rows evaluated over all included nodes. */
  rows: number;
  /** Accuracy of the global model the round started from: correct / rows. */
  accuracy: number;
  /** Its mean log-loss (per-row loss capped at LOSS_CAP): loss units / (rows · LOSS_SCALE). */
  loss: number;
  /** The nodes' locally trained models on the same rows: pooled accuracy and mean loss. */
  localAccuracy: number;
  localLoss: number;
  /** Per class (spec order). */
  classes: ClassEvaluation[];
};

/**
 * Reads the summed evaluation block of `nodes` updates whose training samples total `samples` (evaluated rows
 * never exceed the training rows: see holdoutSplit). Returns a problem instead when the sum is impossible for
 * honest counts (a wrong revealed seed or a bad update leaves random words).
 *
 * @example
 * const read = readEvaluationSum(spec, splitUpdateVector(spec, sum).evaluation, { samples, nodes })
 * if ("problem" in read) … else read.sum.accuracy
 */
export function readEvaluationSum(
  spec: ModelSpec,
  block: Int32Array,
  bounds: { samples: number; nodes: number },
): { sum: EvaluationSum } | { problem: string } {
  const C = spec.classes.length;
  if (block.length !== evaluationBlockLength(spec)) return { problem: `the evaluation block has ${block.length} values, not ${evaluationBlockLength(spec)}` };
  const [rows, correct, loss, localCorrect, localLoss] = block;
  const maxLoss = rows * LOSS_CAP * LOSS_SCALE;
  if (rows < bounds.nodes || rows > bounds.samples) return { problem: `the evaluation counts ${rows} rows, outside [${bounds.nodes}, ${bounds.samples}]` };
  if (correct < 0 || correct > rows || localCorrect < 0 || localCorrect > rows) return { problem: "the evaluation counts more correct rows than rows" };
  if (loss < 0 || loss > maxLoss || localLoss < 0 || localLoss > maxLoss) return { problem: "the evaluation's loss sum is out of range" };
  const classes: ClassEvaluation[] = [];
  let classRows = 0;
  let classCorrect = 0;
  for (let c = 0; c < C; c++) {
    const r = block[HEAD + 2 * c];
    const k = block[HEAD + 2 * c + 1];
    if (r < 0 || k < 0 || k > r) return { problem: `the evaluation's counts of class ${spec.classes[c]} are impossible` };
    classRows += r;
    classCorrect += k;
    classes.push(r > 0 ? { rows: r, correct: k, recall: k / r } : { rows: r, correct: k });
  }
  if (classRows !== rows || classCorrect !== correct) return { problem: "the evaluation's per-class counts do not add up to its totals" };
  const perRow = (units: number) => units / (rows * LOSS_SCALE);
  return {
    sum: { rows, accuracy: correct / rows, loss: perRow(loss), localAccuracy: localCorrect / rows, localLoss: perRow(localLoss), classes },
  };
}
