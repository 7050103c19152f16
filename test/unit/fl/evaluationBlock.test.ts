import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  countEvaluation,
  createRng,
  encodeEvaluationBlock,
  EVALUATION_ROW_CAPACITY,
  evaluationBlockLength,
  holdoutSplit,
  initParams,
  INT32_SUM_LIMIT,
  LOSS_CAP,
  LOSS_SCALE,
  modelLayout,
  parseModelSpec,
  readEvaluationSum,
  sampleCapacity,
  splitUpdateVector,
  sumUpdates,
  updateVectorLength,
  type EvaluationCounts,
} from "../../../src/fl/index.ts";
import { baseSpec } from "./helpers.ts";

const spec = parseModelSpec(baseSpec); // 3 classes
const counts = (c: Partial<EvaluationCounts> & { classRows: number[]; classCorrect: number[] }): EvaluationCounts => ({
  rows: c.classRows.reduce((a, b) => a + b, 0),
  correct: c.classCorrect.reduce((a, b) => a + b, 0),
  lossSum: 0,
  ...c,
});

describe("update vector layout: params block ‖ evaluation block", () => {
  it("places rows, correct, loss units, the local model's figures and per-class counts at fixed offsets", () => {
    const global = counts({ classRows: [4, 0, 6], classCorrect: [3, 0, 1], lossSum: 7.25 });
    const local = counts({ classRows: [4, 0, 6], classCorrect: [4, 0, 5], lossSum: 2.5 });
    const block = encodeEvaluationBlock(spec, { global, local });
    assert.equal(evaluationBlockLength(spec), 5 + 2 * 3);
    assert.deepEqual([...block], [10, 4, 7.25 * LOSS_SCALE, 9, 2.5 * LOSS_SCALE, 4, 3, 0, 0, 6, 1]);
    const P = modelLayout(spec).length;
    assert.equal(updateVectorLength(spec), P + block.length);
    const vector = new Int32Array(updateVectorLength(spec));
    vector.set(block, P);
    vector[P - 1] = -5;
    const { params, evaluation } = splitUpdateVector(spec, vector);
    assert.equal(params.length, P);
    assert.equal(params[P - 1], -5);
    assert.deepEqual([...evaluation], [...block]);
    assert.throws(() => splitUpdateVector(spec, new Int32Array(P)), /values, not/);
  });

  it("sums of blocks read back as pooled accuracy, loss and per-class recall", () => {
    const a = encodeEvaluationBlock(spec, { global: counts({ classRows: [4, 0, 6], classCorrect: [3, 0, 1], lossSum: 7.25 }), local: counts({ classRows: [4, 0, 6], classCorrect: [4, 0, 6], lossSum: 1 }) });
    const b = encodeEvaluationBlock(spec, { global: counts({ classRows: [0, 5, 5], classCorrect: [0, 5, 4], lossSum: 0.75 }), local: counts({ classRows: [0, 5, 5], classCorrect: [0, 4, 4], lossSum: 3 }) });
    const read = readEvaluationSum(spec, sumUpdates([a, b]), { samples: 20, nodes: 2 });
    assert.ok("sum" in read);
    assert.deepEqual(read.sum, {
      rows: 20, accuracy: 13 / 20, loss: 8 / 20, localAccuracy: 18 / 20, localLoss: 4 / 20,
      classes: [{ rows: 4, correct: 3, recall: 0.75 }, { rows: 5, correct: 5, recall: 1 }, { rows: 11, correct: 5, recall: 5 / 11 }],
    });
    // Evaluated rows never exceed the training samples on chain: more is refused.
    assert.match((readEvaluationSum(spec, sumUpdates([a, b]), { samples: 19, nodes: 2 }) as { problem: string }).problem, /outside \[2, 19\]/);
  });

  it("refuses impossible sums: random words (a wrong seed), mismatched per-class counts, more correct than rows", () => {
    const rng = createRng(9);
    for (let t = 0; t < 200; t++) {
      const garbage = Int32Array.from({ length: evaluationBlockLength(spec) }, () => rng.nextU32() | 0);
      assert.ok("problem" in readEvaluationSum(spec, garbage, { samples: 1_000_000, nodes: 3 }));
    }
    const ok = encodeEvaluationBlock(spec, { global: counts({ classRows: [4, 0, 6], classCorrect: [3, 0, 1] }), local: counts({ classRows: [4, 0, 6], classCorrect: [3, 0, 1] }) });
    const edits: [number, number, RegExp][] = [[5, 5, /do not add up/], [1, 11, /more correct/], [6, 5, /class Adelie are impossible/], [2, -1, /loss sum/]];
    for (const [at, value, problem] of edits) {
      const bad = Int32Array.from(ok);
      bad[at] = value;
      assert.match((readEvaluationSum(spec, bad, { samples: 10, nodes: 1 }) as { problem: string }).problem, problem);
    }
  });

  it("overflow bound: EVALUATION_ROW_CAPACITY rows at the loss cap sum exactly; one row more wraps and is refused", () => {
    assert.equal(EVALUATION_ROW_CAPACITY, Math.floor(INT32_SUM_LIMIT / (LOSS_CAP * LOSS_SCALE)));
    // Worst case: every row at the capped loss, split over two nodes.
    const worst = (rows: number) => counts({ classRows: [rows, 0, 0], classCorrect: [rows, 0, 0], lossSum: rows * LOSS_CAP });
    const half = Math.floor(EVALUATION_ROW_CAPACITY / 2);
    const nodes = [half, EVALUATION_ROW_CAPACITY - half].map((r) => encodeEvaluationBlock(spec, { global: worst(r), local: worst(r) }));
    const read = readEvaluationSum(spec, sumUpdates(nodes), { samples: EVALUATION_ROW_CAPACITY, nodes: 2 });
    assert.ok("sum" in read);
    assert.equal(read.sum.loss, LOSS_CAP);
    assert.equal(read.sum.rows, EVALUATION_ROW_CAPACITY);
    const over = [...nodes, encodeEvaluationBlock(spec, { global: worst(1), local: worst(1) })];
    assert.match((readEvaluationSum(spec, sumUpdates(over), { samples: EVALUATION_ROW_CAPACITY + 1, nodes: 3 }) as { problem: string }).problem, /loss sum/);
    assert.throws(() => encodeEvaluationBlock(spec, { global: worst(EVALUATION_ROW_CAPACITY + 1), local: worst(EVALUATION_ROW_CAPACITY + 1) }), /capacity/);
    // The capacity rule every check uses includes the evaluation bound (a spec whose params alone would hold more).
    assert.equal(sampleCapacity({ clipNorm: 1, fixedPointScale: 1 }), EVALUATION_ROW_CAPACITY);
    assert.equal(sampleCapacity({ clipNorm: 1, fixedPointScale: 2 ** 12 }), 524_224);
  });

  it("caps each row's loss at LOSS_CAP nats (a confidently wrong model)", () => {
    const params = initParams(spec);
    const layout = modelLayout(spec);
    // Huge bias toward class 0; the row is class 2: −ln p ≈ 1000 nats, counted as LOSS_CAP.
    params[layout.layers[0].bias] = 1000;
    const table = { features: { rows: 1, cols: 4, data: new Float64Array(4) }, labels: Int32Array.of(2) };
    const c = countEvaluation(spec, params, table);
    assert.deepEqual(c, { rows: 1, correct: 0, lossSum: LOSS_CAP, classRows: [0, 0, 1], classCorrect: [0, 0, 0] });
  });

  it("held-out rows never outnumber the training rows (so evaluated rows <= samples on chain)", () => {
    for (const validationFraction of [undefined, 0.01, 0.1, 0.5])
      for (let n = 1; n <= 60; n++) {
        const { trainRows, valRows } = holdoutSplit({ seed: 3, validationFraction }, n);
        assert.ok((valRows?.length ?? trainRows.length) <= trainRows.length, `n=${n} fraction=${validationFraction}`);
        assert.equal(trainRows.length + (valRows?.length ?? 0), n);
      }
  });
});
