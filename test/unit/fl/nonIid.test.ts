import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import {
  aggregateRound,
  applyServerUpdate,
  buildUpdate,
  decodeRoundModel,
  decodeUpdate,
  encodeRoundModel,
  evaluate,
  initParams,
  InvalidModelSpecError,
  localLearningRate,
  parseModelSpec,
  serverStateVectors,
  trainLocal,
  type ModelSpec,
  type RoundUpdateResult,
  type ServerState,
  type Table,
} from "../../../src/fl/index.ts";
import { featureFieldsOf, labelFieldOf, loadSchema, schemaHash } from "../../../src/data/schema.ts";
import { baseSpec, loadPenguins, loadSeattleWeather, nodeIdentity, runFederated } from "./helpers.ts";

const digest = (p: Float64Array) => createHash("sha256").update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest("hex");
const FEDADAM = { type: "fedadam", learningRate: 1, beta1: 0.9, beta2: 0.99, tau: 1e-3 } as const;
const FEDAVGM = { type: "fedavgm", learningRate: 1, momentum: 0.9 } as const;

/** F(p) = mean cross-entropy + l2/2·‖W‖² (weights only) + μ/2·‖p − g‖²: the objective trainLocal descends. */
function objective(spec: ModelSpec, p: Float64Array, g: Float64Array, table: Table): number {
  const D = spec.features.length;
  const C = spec.classes.length;
  let reg = 0;
  for (let k = 0; k < C * D; k++) reg += p[k] * p[k];
  let prox = 0;
  for (let k = 0; k < p.length; k++) prox += (p[k] - g[k]) ** 2;
  return evaluate(spec, p, table).logLoss + ((spec.l2 ?? 0) / 2) * reg + ((spec.proxMu ?? 0) / 2) * prox;
}

describe("FedProx (proxMu)", () => {
  it("descends the gradient of loss + μ/2·‖w − w_global‖² (checked by central finite differences)", () => {
    const { nodes } = loadPenguins();
    const table = nodes[1];
    // Full-batch SGD: step 1 starts at w_global (where the proximal gradient is 0), step 2 at w1 ≠ w_global.
    const spec = parseModelSpec({ ...baseSpec, batchSize: 1000, learningRate: 0.5, l2: 0.01, proxMu: 2, epochs: 1 });
    const g = initParams(spec);
    g.forEach((_, k) => (g[k] += 0.3 * Math.sin(k + 1))); // a global model away from the optimum
    const w1 = trainLocal(spec, g, table).params;
    const w2 = trainLocal({ ...spec, epochs: 2 }, g, table).params;
    const h = 1e-6;
    for (let k = 0; k < w1.length; k++) {
      const plus = Float64Array.from(w1);
      const minus = Float64Array.from(w1);
      plus[k] += h;
      minus[k] -= h;
      const numeric = (objective(spec, plus, g, table) - objective(spec, minus, g, table)) / (2 * h);
      const taken = (w1[k] - w2[k]) / spec.learningRate;
      assert.ok(Math.abs(numeric - taken) < 1e-6, `coordinate ${k}: step gradient ${taken}, finite difference ${numeric}`);
    }
    // The proximal part is not negligible here: without it the step differs.
    const plain = trainLocal({ ...spec, epochs: 2, proxMu: undefined }, g, table).params;
    assert.ok(Math.max(...plain.map((v, k) => Math.abs(v - w2[k]))) > 1e-3);
  });

  it("pulls Adam's local model toward the global model", () => {
    const { nodes } = loadPenguins();
    const spec = parseModelSpec({ ...baseSpec, optimizer: "adam", learningRate: 0.05, epochs: 5 });
    const g = initParams(spec);
    const dist = (mu: number) => {
      const p = trainLocal({ ...spec, proxMu: mu }, g, nodes[2]).params;
      return Math.hypot(...p.map((v, k) => v - g[k]));
    };
    assert.ok(dist(10) < 0.8 * dist(0), `‖w − g‖ with μ = 10: ${dist(10)}, with μ = 0: ${dist(0)}`);
  });
});

describe("specs without the non-IID fields train exactly as before", () => {
  it("gives the models of 9a43de2 bit for bit (SGD with validation, Adam, MLP; 3 secure rounds)", () => {
    // Digests computed by this same scenario with the code at commit 9a43de2 (before FedProx/schedules/server optimizers).
    const ds = loadSeattleWeather();
    const sgd = parseModelSpec({ ...baseSpec, features: ds.features, label: "y", classes: ds.classes, l2: 1e-4, validationFraction: 0.1 });
    const adam = parseModelSpec({ ...sgd, optimizer: "adam", learningRate: 0.01 });
    const mlp = parseModelSpec({ ...baseSpec, model: "mlp", hidden: 8, l2: 1e-4 });
    assert.equal(digest(runFederated({ spec: sgd, nodes: ds.nodes, rounds: 3 }).params), "4004e89fd1a85eee81634c9d1a83219d099075d6020c49e80235d40130ea7063");
    assert.equal(digest(runFederated({ spec: adam, nodes: ds.nodes, rounds: 3 }).params), "59ad3668f854f8ced4f8e575d9385a48bed2e5facb1ec35d27040e1e14899cb4");
    assert.equal(digest(runFederated({ spec: mlp, nodes: loadPenguins().nodes, rounds: 3 }).params), "d5a12f8df4a3fc4aec170fa51b200b64c4d204ad98e8c66419165940f4782e47");
  });

  it("μ = 0 and a constant schedule are the same as leaving them out", () => {
    const { nodes } = loadPenguins();
    for (const optimizer of ["sgd", "adam"] as const) {
      const spec = parseModelSpec({ ...baseSpec, optimizer });
      const g = initParams(spec);
      const plain = trainLocal(spec, g, nodes[0], { round: 4, node: 1 }).params;
      const explicit = trainLocal(parseModelSpec({ ...spec, proxMu: 0, lrSchedule: { type: "constant" } }), g, nodes[0], { round: 4, node: 1 }).params;
      assert.equal(digest(explicit), digest(plain));
    }
  });
});

describe("learning-rate schedules", () => {
  it("step and cosine factors follow their formulas", () => {
    const step = { learningRate: 0.1, lrSchedule: { type: "step", every: 20, decay: 0.5 } } as const;
    assert.equal(localLearningRate(step, 1), 0.1);
    assert.equal(localLearningRate(step, 20), 0.1);
    assert.equal(localLearningRate(step, 21), 0.05);
    assert.equal(localLearningRate(step, 41), 0.025);
    const cosine = { learningRate: 0.2, lrSchedule: { type: "cosine", rounds: 10, min: 0.1 } } as const;
    assert.equal(localLearningRate(cosine, 1), 0.2);
    assert.ok(Math.abs(localLearningRate(cosine, 6) - 0.2 * (0.1 + 0.9 * 0.5)) < 1e-15); // halfway: cos(π/2) = 0
    assert.ok(Math.abs(localLearningRate(cosine, 11) - 0.02) < 1e-15);
    assert.ok(Math.abs(localLearningRate(cosine, 50) - 0.02) < 1e-15); // stays at min after `rounds`
    assert.equal(localLearningRate({ learningRate: 0.3 }, 99), 0.3);
  });

  it("local training at round r uses the scheduled rate", () => {
    const { nodes } = loadPenguins();
    const spec = parseModelSpec({ ...baseSpec, lrSchedule: { type: "step", every: 2, decay: 0.5 } });
    const g = initParams(spec);
    const scheduled = trainLocal(spec, g, nodes[0], { round: 3 }).params;
    const halved = trainLocal({ ...spec, lrSchedule: undefined, learningRate: spec.learningRate / 2 }, g, nodes[0], { round: 3 }).params;
    assert.equal(digest(scheduled), digest(halved));
    assert.notEqual(digest(trainLocal(spec, g, nodes[0], { round: 2 }).params), digest(scheduled));
  });
});

describe("server optimizers (applyServerUpdate)", () => {
  it("FedAvgM: m ← β·m + Δ; w ← w + η·m (hand-computed)", () => {
    const spec = { serverOptimizer: { type: "fedavgm", learningRate: 2, momentum: 0.5 } } as const;
    const r1 = applyServerUpdate(spec, Float64Array.from([1, -1]), Float64Array.from([0.25, -0.5]));
    // m1 = [0.25, -0.5]; w1 = [1 + 0.5, -1 - 1]
    assert.deepEqual([...r1.params], [1.5, -2]);
    assert.deepEqual(r1.state, { type: "fedavgm", step: 1, momentum: Float64Array.from([0.25, -0.5]) });
    const r2 = applyServerUpdate(spec, r1.params, Float64Array.from([0.125, 0]), r1.state);
    // m2 = [0.125 + 0.125, -0.25]; w2 = [1.5 + 0.5, -2 - 0.5]
    assert.deepEqual([...r2.params], [2, -2.5]);
    assert.equal(r2.state?.step, 2);
  });

  it("FedAdam: m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; w ← w + η·m/(√v + τ) (hand-computed)", () => {
    const spec = { serverOptimizer: { type: "fedadam", learningRate: 1, beta1: 0.5, beta2: 0.75, tau: 0.5 } } as const;
    const r1 = applyServerUpdate(spec, Float64Array.from([0, 0]), Float64Array.from([2, -1]));
    // m1 = [1, -0.5], v1 = [0.25·4, 0.25·1] = [1, 0.25]; w1 = [1/(1 + 0.5), -0.5/(0.5 + 0.5)]
    assert.deepEqual([...r1.params], [1 / 1.5, -0.5]);
    const r2 = applyServerUpdate(spec, r1.params, Float64Array.from([0, 1]), r1.state);
    // m2 = [0.5, -0.25 + 0.5], v2 = [0.75, 0.1875 + 0.25]
    const expected = [1 / 1.5 + 0.5 / (Math.sqrt(0.75) + 0.5), -0.5 + 0.25 / (Math.sqrt(0.4375) + 0.5)];
    r2.params.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-15, `w2[${k}] = ${v}, expected ${expected[k]}`));
    assert.equal(r2.state?.type, "fedadam");
    if (r2.state?.type === "fedadam") {
      assert.deepEqual([...r2.state.m], [0.5, 0.25]);
      assert.deepEqual([...r2.state.v], [0.75, 0.4375]);
    }
  });

  it("without a server optimizer it is w + Δ, and state of another optimizer is refused", () => {
    assert.deepEqual([...applyServerUpdate({}, Float64Array.from([1, 2]), Float64Array.from([0.5, -1])).params], [1.5, 1]);
    const state: ServerState = { type: "fedavgm", step: 1, momentum: new Float64Array(2) };
    assert.throws(() => applyServerUpdate({}, new Float64Array(2), new Float64Array(2), state), /no serverOptimizer/);
    assert.throws(() => applyServerUpdate({ serverOptimizer: FEDADAM }, new Float64Array(2), new Float64Array(2), state), /fedavgm state/);
    assert.throws(() => applyServerUpdate({ serverOptimizer: FEDAVGM }, new Float64Array(3), new Float64Array(3), state), /2 entries/);
  });
});

describe("server state in the round model file", () => {
  const params = Float64Array.from([0.5, -1.25, 3]);
  it("round-trips FedAvgM and FedAdam state, and leaves stateless files as they were", () => {
    const states: ServerState[] = [
      { type: "fedavgm", step: 4, momentum: Float64Array.from([0.1, 0.2, -0.3]) },
      { type: "fedadam", step: 7, m: Float64Array.from([1e-3, -2e-3, 0]), v: Float64Array.from([1e-6, 4e-6, 0]) },
    ];
    const plain = encodeRoundModel({ taskId: 9n, round: 3, attempt: 1, params });
    for (const serverState of states) {
      const bytes = encodeRoundModel({ taskId: 9n, round: 3, attempt: 1, params, serverState });
      const back = decodeRoundModel(bytes);
      assert.deepEqual(back.serverState, serverState);
      assert.deepEqual(back.params, params);
      assert.equal(bytes.length - plain.length, 8 * params.length * serverStateVectors(serverState).length + JSON.stringify({ serverState: { type: serverState.type, step: serverState.step } }).length - 1);
    }
    // Without state: the header has no serverState key (the file is the one the previous code wrote).
    assert.doesNotMatch(new TextDecoder().decode(plain), /serverState/);
    assert.equal(decodeRoundModel(plain).serverState, undefined);
  });

  it("refuses a body that does not match the declared state, and state of the wrong length", () => {
    const withState = encodeRoundModel({ taskId: 1n, round: 1, params, serverState: { type: "fedavgm", step: 1, momentum: new Float64Array(3) } });
    assert.throws(() => decodeRoundModel(withState.subarray(0, withState.length - 8)), /body has/);
    const adam = encodeRoundModel({ taskId: 1n, round: 1, params, serverState: { type: "fedadam", step: 1, m: new Float64Array(3), v: new Float64Array(3) } });
    // Relabel the header's "fedadam" (two vectors) as "fedavgm" (one; same byte length): the body no longer fits.
    const relabelled = Uint8Array.from(adam);
    const at = Buffer.from(adam).indexOf("fedadam");
    relabelled.set(new TextEncoder().encode("fedavgm"), at);
    assert.throws(() => decodeRoundModel(relabelled), /body has/);
    assert.throws(
      () => encodeRoundModel({ taskId: 1n, round: 1, params, serverState: { type: "fedavgm", step: 1, momentum: new Float64Array(2) } }),
      /does not match/,
    );
  });

  it("an aggregator restarted from the stored round model computes the same next model", () => {
    const { nodes } = loadPenguins();
    for (const serverOptimizer of [FEDAVGM, FEDADAM]) {
      const spec = parseModelSpec({ ...baseSpec, serverOptimizer });
      const ids = nodes.map((_, i) => nodeIdentity(i + 1));
      const members = ids.map((id) => ({ address: id.address, publicKey: id.publicKey }));
      const maxTotalSamples = nodes.reduce((s, t) => s + t.features.rows, 0);
      const round = (r: number, globalParams: Float64Array, serverState?: ServerState) => {
        const updates: RoundUpdateResult[] = nodes.map((table, i) => {
          const trained = trainLocal(spec, globalParams, table, { round: r, node: i });
          const { bytes } = buildUpdate({ spec, taskId: 1n, round: r, node: ids[i].address, globalParams, trained, table, maxTotalSamples, sa: { self: ids[i], members } });
          return { node: ids[i].address, samples: trained.samples, update: decodeUpdate(bytes) };
        });
        const result = aggregateRound({ spec, taskId: 1n, round: r, globalParams, serverState, members, updates, onFailure: "throw" });
        if (result.status !== "finalized") throw new Error("not finalized");
        return result;
      };
      // Continuous: state kept in memory. Restarted: each round starts from the decoded file of the previous one.
      let memory = round(1, initParams(spec));
      let file = decodeRoundModel(encodeRoundModel({ taskId: 1n, round: 1, params: memory.params, serverState: memory.serverState }));
      for (let r = 2; r <= 4; r++) {
        memory = round(r, memory.params, memory.serverState);
        const restarted = round(r, file.params, file.serverState);
        assert.equal(digest(restarted.params), digest(memory.params), `${serverOptimizer.type} round ${r}`);
        file = decodeRoundModel(encodeRoundModel({ taskId: 1n, round: r, params: restarted.params, serverState: restarted.serverState }));
      }
      // Losing the state (a restart that kept only the parameters) would give another model.
      const forgetful = round(5, file.params);
      assert.notEqual(digest(forgetful.params), digest(round(5, file.params, file.serverState).params));
    }
  });
});

describe("spec fields", () => {
  it("parses the non-IID fields and refuses malformed ones", () => {
    const spec = parseModelSpec({ ...baseSpec, proxMu: 0.1, lrSchedule: { type: "step", every: 20, decay: 0.5 }, serverOptimizer: FEDADAM });
    assert.equal(spec.serverOptimizer?.type, "fedadam");
    const refused = (patch: object, field: string) =>
      assert.throws(
        () => parseModelSpec({ ...baseSpec, ...patch }),
        (err: Error & { details?: string }) => err instanceof InvalidModelSpecError && (err.details ?? "").includes(field),
      );
    refused({ proxMu: -1 }, "proxMu");
    refused({ serverOptimizer: { type: "fedavgm", learningRate: 1, momentum: 1 } }, "momentum");
    refused({ serverOptimizer: { type: "fedyogi", learningRate: 1 } }, "serverOptimizer");
    refused({ lrSchedule: { type: "step", every: 0, decay: 0.5 } }, "every");
    refused({ lrSchedule: { type: "cosine", rounds: 10 } }, "min");
  });
});

describe("example spec", () => {
  it("specs/seattle-weather-fedadam.json parses and names the seattle-weather schema, its label and features", async () => {
    const root = new URL("../../../", import.meta.url).pathname;
    const spec = parseModelSpec(await readFile(`${root}specs/seattle-weather-fedadam.json`));
    const schema = await loadSchema(`${root}schemas/seattle-weather.schema.json`);
    assert.equal(spec.schemaHash, schemaHash(schema));
    assert.equal(spec.label, labelFieldOf(schema)?.name);
    assert.deepEqual(spec.classes, labelFieldOf(schema)?.categories);
    assert.deepEqual(spec.features, featureFieldsOf(schema).map((f) => f.name));
    assert.equal(spec.serverOptimizer?.type, "fedadam");
  });
});
