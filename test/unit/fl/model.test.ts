import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evaluate,
  initParams,
  ModelInputError,
  modelLayout,
  paramCount,
  parseModelSpec,
  predict,
  predictProba,
  trainLocal,
  type ModelSpec,
  type Table,
} from "../../../src/fl/index.ts";
import { backwardRow, createWorkspace, forwardRow } from "../../../src/fl/model.ts";
import { baseSpec, loadPenguins } from "./helpers.ts";

const penguins = loadPenguins();
const lrSpec = parseModelSpec({ ...baseSpec, epochs: 30 });
const mlpSpec = parseModelSpec({ ...baseSpec, model: "mlp", hidden: 12, epochs: 30, learningRate: 0.01, optimizer: "adam" });

describe("initParams", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    for (const spec of [lrSpec, mlpSpec]) {
      assert.deepEqual(initParams(spec), initParams(spec));
      assert.notDeepEqual(initParams(spec), initParams({ ...spec, seed: spec.seed + 1 }));
      assert.equal(initParams(spec).length, paramCount(spec));
    }
  });

  it("leaves biases at zero and scales MLP weights by fan-in", () => {
    const layout = modelLayout(mlpSpec);
    const p = initParams(mlpSpec);
    for (const l of layout.layers) for (let k = l.bias; k < l.bias + l.outputs; k++) assert.equal(p[k], 0);
    const first = layout.layers[0];
    const w = p.subarray(first.weights, first.bias);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std - Math.sqrt(2 / 4)) < 0.2, `He std ≈ 0.71, got ${std}`);
  });
});

describe("backpropagation", () => {
  // The analytic gradient must match central finite differences of the cross-entropy, for both models/activations.
  const specs: [string, ModelSpec][] = [
    ["logreg", lrSpec],
    ["mlp relu", mlpSpec],
    ["mlp tanh", parseModelSpec({ ...baseSpec, model: "mlp", hidden: 5, activation: "tanh" })],
  ];
  for (const [name, spec] of specs)
    it(`matches finite differences (${name})`, () => {
      const layout = modelLayout(spec);
      const params = initParams({ ...spec, seed: 99 });
      for (let k = 0; k < params.length; k++) params[k] += 0.05 * Math.sin(k); // nonzero biases too
      const ws = createWorkspace(layout);
      const x = penguins.train.features.data;
      const row = 3;
      const y = penguins.train.labels[row];
      const grad = new Float64Array(layout.length);
      forwardRow(layout, params, x, row, ws);
      backwardRow(layout, params, x, row, y, ws, grad);
      const loss = (p: Float64Array) => -Math.log(forwardRow(layout, p, x, row, createWorkspace(layout))[y]);
      const h = 1e-6;
      for (let k = 0; k < layout.length; k++) {
        const plus = Float64Array.from(params);
        const minus = Float64Array.from(params);
        plus[k] += h;
        minus[k] -= h;
        const numeric = (loss(plus) - loss(minus)) / (2 * h);
        assert.ok(Math.abs(numeric - grad[k]) < 1e-5 * Math.max(1, Math.abs(numeric)), `param ${k}: ${grad[k]} vs ${numeric}`);
      }
    });
});

describe("trainLocal", () => {
  it("is deterministic: same seed and round give bit-identical params; another round shuffles differently", () => {
    for (const spec of [lrSpec, mlpSpec]) {
      const start = initParams(spec);
      const short = { ...spec, epochs: 2 };
      const a = trainLocal(short, start, penguins.train, { round: 1 });
      const b = trainLocal(short, start, penguins.train, { round: 1 });
      assert.deepEqual(a.params, b.params);
      assert.deepEqual(a.metrics, b.metrics);
      assert.notDeepEqual(trainLocal(short, start, penguins.train, { round: 2 }).params, a.params);
      assert.deepEqual(start, initParams(spec), "input params are not modified");
    }
  });

  for (const [name, spec] of [["logistic regression", lrSpec], ["MLP", mlpSpec]] as const)
    it(`${name} learns penguins species (held-out accuracy >= 95%)`, () => {
      const before = evaluate(spec, initParams(spec), penguins.test);
      const trained = trainLocal(spec, initParams(spec), penguins.train);
      const after = evaluate(spec, trained.params, penguins.test);
      assert.ok(after.accuracy >= 0.95, `accuracy ${after.accuracy}`);
      assert.ok(after.logLoss < before.logLoss / 5, `log-loss ${before.logLoss} → ${after.logLoss}`);
      assert.equal(trained.samples, penguins.train.features.rows);
      assert.ok(trained.metrics.accuracy >= 0.95 && trained.metrics.loss < 0.3);
    });

  it("holds out a fixed validation subset and reports its accuracy and loss", () => {
    const spec = { ...lrSpec, validationFraction: 0.2 };
    const a = trainLocal(spec, initParams(spec), penguins.train, { round: 1 });
    const b = trainLocal(spec, initParams(spec), penguins.train, { round: 2 });
    const n = penguins.train.features.rows;
    assert.equal(a.samples, n - Math.floor(0.2 * n));
    assert.equal(b.samples, a.samples);
    assert.ok(a.metrics.valAccuracy !== undefined && a.metrics.valAccuracy >= 0.9);
    assert.ok(a.metrics.valLoss !== undefined && a.metrics.valLoss > 0 && a.metrics.valLoss < 0.5, `val loss ${a.metrics.valLoss}`);
    assert.equal(trainLocal(lrSpec, initParams(lrSpec), penguins.train, { round: 1 }).metrics.valLoss, undefined);
  });

  it("applies L2 weight decay: a strong penalty shrinks the weights", () => {
    const plain = trainLocal(lrSpec, initParams(lrSpec), penguins.train).params;
    const decayed = trainLocal({ ...lrSpec, l2: 1 }, initParams(lrSpec), penguins.train).params;
    const norm = (p: Float64Array) => Math.hypot(...p.subarray(0, 12));
    assert.ok(norm(decayed) < norm(plain) / 2, `${norm(decayed)} vs ${norm(plain)}`);
  });

  it("reports divergence instead of returning NaN parameters", () => {
    const wild = { ...lrSpec, learningRate: 1000, epochs: 50 };
    const t: Table = { ...penguins.train, features: { ...penguins.train.features, data: penguins.train.features.data.map((v) => v * 1e200) } };
    assert.throws(() => trainLocal(wild, initParams(wild), t), /diverged/);
  });

  it("rejects tables that do not fit the spec", () => {
    const p = initParams(lrSpec);
    assert.throws(() => trainLocal(lrSpec, p, { ...penguins.train, columns: ["a", "b", "c", "d"] }), ModelInputError);
    assert.throws(
      () => trainLocal(lrSpec, p, { features: { rows: 1, cols: 3, data: new Float64Array(3) }, labels: new Int32Array(1) }),
      ModelInputError,
    );
    assert.throws(
      () => trainLocal(lrSpec, p, { features: { rows: 1, cols: 4, data: new Float64Array(4) }, labels: Int32Array.of(3) }),
      /not a class index/,
    );
    assert.throws(() => trainLocal(lrSpec, new Float64Array(3), penguins.train), /needs 15/);
  });
});

describe("predict / predictProba", () => {
  it("returns normalized probabilities whose argmax is predict's class, consistent with evaluate", () => {
    const params = trainLocal(lrSpec, initParams(lrSpec), penguins.train).params;
    const proba = predictProba(lrSpec, params, penguins.test.features);
    const classes = predict(lrSpec, params, penguins.test.features);
    let correct = 0;
    for (let r = 0; r < proba.rows; r++) {
      const row = proba.data.subarray(r * 3, r * 3 + 3);
      assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
      assert.equal(classes[r], row.indexOf(Math.max(...row)));
      if (classes[r] === penguins.test.labels[r]) correct++;
    }
    assert.equal(correct / proba.rows, evaluate(lrSpec, params, penguins.test).accuracy);
  });
});
