import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  aggregateRound,
  buildUpdate,
  createRandomSource,
  decodeUpdate,
  discreteGaussianSumEpsilon,
  discreteGaussianVector,
  dpEpsilon,
  dpSensitivity,
  dpSumFit,
  dpTermsFromChain,
  dpTermsMismatch,
  dpTermsOnChain,
  epsilonFromRdp,
  evaluate,
  FixedPointOverflowError,
  FlError,
  INT32_SUM_LIMIT,
  initParams,
  modelDelta,
  nodeNoiseSigma,
  parseModelSpec,
  quantizeUpdate,
  revealSeedsFor,
  serializeModelSpec,
  splitUpdateVector,
  sumUpdates,
  type Table,
  unmaskSum,
  type RoundReveal,
  type RoundUpdateResult,
  type SaMember,
} from "../../../src/fl/index.ts";
import { baseSpec, loadPenguins, loadSeattleWeather, nodeIdentity, runFederated } from "./helpers.ts";

const seed = (label: string) => createHash("sha256").update(label).digest();
const sha = (p: Float64Array) => createHash("sha256").update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest("hex");

describe("RDP accountant", () => {
  // Reference values from Google's dp_accounting (rdp/rdp_privacy_accountant_test.py), whose compute_epsilon is the
  // conversion implemented here (Canonne–Kamath–Steinke 2020, Prop. 12).
  it("matches dp_accounting's test_compute_epsilon_delta_pure_dp: RDP 1.1 at orders 2..32, δ 1e-5 → ε 1.32783806176 at order 32", () => {
    const orders = Array.from({ length: 31 }, (_, i) => i + 2);
    const { epsilon, order } = epsilonFromRdp(orders, orders.map(() => 1.1), 1e-5);
    assert.ok(Math.abs(epsilon - 1.32783806176) < 1e-9, `ε ${epsilon}`);
    assert.equal(order, 32);
  });

  it("matches dp_accounting's test_compute_epsilon_delta_gaussian: one Gaussian release with z = 4.530877117, δ 1e-6 → ε 1", () => {
    const orders = Array.from({ length: 99_000 }, (_, i) => 0.001 * (i + 1000));
    // One node, σ >= 8: Kairouz et al.'s bound reduces to the Gaussian RDP α/(2z²).
    const e = discreteGaussianSumEpsilon({ l2: 1000, l1: 1000, sigma: 4530.877117, nodes: 1, length: 1 });
    const { epsilon } = epsilonFromRdp(orders, orders.map((a) => (a * e * e) / 2), 1e-6);
    assert.ok(Math.abs(epsilon - 1) < 1e-7, `ε ${epsilon}`);
  });

  it("Kairouz et al.'s τ term: a small per-node σ over many nodes costs more than the Gaussian bound, a large one nothing", () => {
    const gaussian = 1 / Math.sqrt(5 * 0.6 ** 2);
    const small = discreteGaussianSumEpsilon({ l2: 1, l1: 1, sigma: 0.6, nodes: 5, length: 10 });
    assert.ok(small > gaussian * 1.001, `${small} vs ${gaussian}`);
    assert.equal(discreteGaussianSumEpsilon({ l2: 8, l1: 8, sigma: 8, nodes: 5, length: 10 }), 1 / Math.sqrt(5));
  });

  it("dpEpsilon composes rounds and counts survivors: fewer survivors than minNodes cost more, more cost less", () => {
    const base = { noiseMultiplier: 1, delta: 1e-5, minSurvivors: 4 };
    const r = dpEpsilon({ ...base, survivors: [4, 3, 8] });
    assert.ok(r.perRound[1] > r.perRound[0] && r.perRound[2] < r.perRound[0]);
    assert.ok(r.cumulative[0] < r.cumulative[1] && r.cumulative[1] < r.cumulative[2]);
    assert.equal(r.total, r.cumulative[2]);
    // Composition is sublinear in (ε, δ) terms but exactly additive in RDP: 4 rounds at z equal 1 round at z/2.
    assert.ok(Math.abs(dpEpsilon({ ...base, survivors: [4, 4, 4, 4] }).total - dpEpsilon({ ...base, noiseMultiplier: 0.5, survivors: [4] }).total) < 1e-12);
    assert.equal(dpEpsilon({ ...base, survivors: [] }).total, 0);
  });
});

describe("discrete Gaussian sampler (Canonne–Kamath–Steinke)", () => {
  it("draws N_Z(0, 1.5²): frequencies of −6..6 pass a chi-square test against the exact pmf (seeded)", () => {
    const sigma = 1.5;
    const n = 40_000;
    const samples = discreteGaussianVector(n, sigma, createRandomSource(seed("dg-pmf")));
    const weight = (x: number) => Math.exp((-x * x) / (2 * sigma * sigma));
    let z = 0;
    for (let x = -40; x <= 40; x++) z += weight(x);
    const counts = new Map<number, number>();
    for (const x of samples) counts.set(Math.max(-6, Math.min(6, x)), (counts.get(Math.max(-6, Math.min(6, x))) ?? 0) + 1);
    let chi2 = 0;
    for (let x = -6; x <= 6; x++) {
      let p = weight(x) / z;
      if (Math.abs(x) === 6) for (let y = 7; y <= 40; y++) p += weight(y) / z; // the clamped tails
      chi2 += ((counts.get(x) ?? 0) - n * p) ** 2 / (n * p);
    }
    assert.ok(chi2 < 45, `χ²(12) = ${chi2} (p < 1e-5 above 45)`);
  });

  it("a fixed seed reproduces the noise; different seeds differ", () => {
    const a = discreteGaussianVector(50, 1000, createRandomSource(seed("x")));
    assert.deepEqual(a, discreteGaussianVector(50, 1000, createRandomSource(seed("x"))));
    assert.notDeepEqual(a, discreteGaussianVector(50, 1000, createRandomSource(seed("y"))));
  });
});

describe("distributed DP over secure aggregation", () => {
  // 1000 features × 3 classes: 3003 noised values, enough for a tight variance check.
  const features = Array.from({ length: 1000 }, (_, i) => `f${i}`);
  const dpSpec = parseModelSpec({ ...baseSpec, features, clipNorm: 1, fixedPointScale: 4096, dp: { noiseMultiplier: 1.2, delta: 1e-5 } });
  const length = 3003; // the params block: 3 classes × (1000 weights + 1 bias)
  const minSurvivors = 3;
  // The rows a node evaluates the global model on (the evaluation counts travel after the params block, unnoised).
  const table: Table = {
    features: { rows: 4, cols: 1000, data: Float64Array.from({ length: 4000 }, (_, k) => Math.sin(k)) },
    labels: Int32Array.from([0, 1, 2, 0]),
  };

  it("the unmasked sum carries noise of variance survivors·σ_node² (chi-square band), every masked update is noisy", () => {
    const members: SaMember[] = [1, 2, 3, 4, 5].map((i) => nodeIdentity(i)).map((m) => ({ address: m.address, publicKey: m.publicKey }));
    const global = initParams(dpSpec);
    const survivors = [0, 1, 2, 3]; // member 5 drops out
    const plain: Int32Array[] = [];
    const updates: RoundUpdateResult[] = [];
    for (const i of survivors) {
      const id = nodeIdentity(i + 1);
      const params = global.map((v, k) => v + Math.sin(k * (i + 1)) * 0.05); // a ‖delta‖ > clipNorm, so clipped
      const trained = { params, samples: 10 * (i + 1), metrics: { loss: 1, accuracy: 0.5 } };
      plain.push(quantizeUpdate(dpSpec, { delta: modelDelta(params, global), samples: 1, maxTotalSamples: 1 }));
      const { bytes } = buildUpdate({
        spec: dpSpec, taskId: 9n, round: 1, node: id.address, globalParams: global, trained, table, maxTotalSamples: 100,
        sa: { self: id, members }, dp: { minSurvivors, maxNodes: 5, random: createRandomSource(seed(`node${i}`)) },
      });
      updates.push({ node: id.address, samples: trained.samples, update: decodeUpdate(bytes) });
    }
    const submitted = updates.map((u) => u.node);
    const reveals = survivors.map((i) => revealSeedsFor({ taskId: 9n, round: 1, self: nodeIdentity(i + 1), members, submitted, dropped: [members[4].address] })).flat();
    const vectorLength = updates[0].update.vector.length;
    const sum = splitUpdateVector(dpSpec, unmaskSum({ maskedUpdates: updates.map((u) => ({ address: u.node, vector: u.update.vector })), members, reveals, length: vectorLength })).params;
    const noise = Int32Array.from(sum, (v, k) => v - sumUpdates(plain)[k]);

    const sigma2 = survivors.length * nodeNoiseSigma(dpSpec, length, minSurvivors) ** 2;
    let chi2 = 0;
    let mean = 0;
    for (const x of noise) {
      chi2 += (x * x) / sigma2;
      mean += x / length;
    }
    // χ²(3003): mean 3003, sd √6006 ≈ 77.5; ±6 sd. Without noise chi2 is 0.
    assert.ok(Math.abs(chi2 - length) < 6 * Math.sqrt(2 * length), `χ² ${chi2} for ${length} values`);
    assert.ok(Math.abs(mean) < (6 * Math.sqrt(sigma2)) / Math.sqrt(length), `mean ${mean}`);

    // The aggregator's view: the round finalizes, with each update weighted 1 (not by its samples).
    const reveal: RoundReveal[] = survivors.map((i) => ({
      node: nodeIdentity(i + 1).address,
      reveal: { taskId: 9n, round: 1, attempt: 0, from: nodeIdentity(i + 1).address, reveals: reveals.filter((r) => r.from === nodeIdentity(i + 1).address) },
    }));
    const result = aggregateRound({ spec: dpSpec, taskId: 9n, round: 1, globalParams: global, members, updates, reveals: reveal, dpMinSurvivors: minSurvivors, onFailure: "throw" });
    assert.equal(result.status, "finalized");
    if (result.status === "finalized") assert.equal(result.delta[0], sum[0] / (4 * 4096));
  });

  it("an aggregator without dpMinSurvivors, or a node without dp options, is refused for a DP spec", () => {
    const global = initParams(dpSpec);
    const trained = { params: global, samples: 5, metrics: { loss: 1, accuracy: 1 } };
    assert.throws(() => buildUpdate({ spec: dpSpec, taskId: 1n, round: 1, node: nodeIdentity(1).address, globalParams: global, trained, table, maxTotalSamples: 5 }), FlError);
    assert.throws(() => aggregateRound({ spec: dpSpec, taskId: 1n, round: 1, globalParams: global, members: [], updates: [] }), /dpMinSurvivors/);
  });

  it("the DP capacity rule: nodes·(clipNorm·scale + 1/2) + 12·σ_node·√nodes <= 2^31 − 1; σ_node below 8 is refused", () => {
    const cfg = { clipNorm: 1, fixedPointScale: 2 ** 20 };
    const sigma = 3e6;
    let nodes = 1;
    while (dpSumFit(cfg, { nodes: nodes + 1, nodeSigma: sigma }).fits) nodes++;
    const edge = dpSumFit(cfg, { nodes, nodeSigma: sigma });
    assert.ok(edge.fits && edge.bound <= INT32_SUM_LIMIT);
    assert.ok(dpSumFit(cfg, { nodes: nodes + 1, nodeSigma: sigma }).bound > INT32_SUM_LIMIT);
    const big = parseModelSpec({ ...baseSpec, clipNorm: 1, fixedPointScale: 2 ** 20, dp: { noiseMultiplier: 40, delta: 1e-5 } });
    const global = initParams(big);
    const trained = { params: global, samples: 5, metrics: { loss: 1, accuracy: 1 } };
    assert.throws(
      () => buildUpdate({ spec: big, taskId: 1n, round: 1, node: nodeIdentity(1).address, globalParams: global, trained, maxTotalSamples: 5, dp: { minSurvivors: 3, maxNodes: 200 },
        table: { features: { rows: 1, cols: 4, data: new Float64Array(4) }, labels: Int32Array.of(0) } }),
      FixedPointOverflowError,
    );
    const tiny = parseModelSpec({ ...baseSpec, clipNorm: 0.001, fixedPointScale: 16, dp: { noiseMultiplier: 1, delta: 1e-5 } });
    assert.throws(() => nodeNoiseSigma(tiny, 15, 3), /raise fixedPointScale/);
    assert.equal(dpSensitivity({ clipNorm: 1, fixedPointScale: 4096 }, 16), 4098);
  });

  it("trains with DP in process through the real files (seeded noise reproducible, other seeds differ), ε per round", () => {
    const peng = loadPenguins();
    const spec = parseModelSpec({ ...baseSpec, clipNorm: 1, fixedPointScale: 4096, dp: { noiseMultiplier: 0.5, delta: 1e-5 } });
    const run = (s: number) => runFederated({ spec, nodes: peng.nodes, rounds: 5, dp: { minSurvivors: 3, seed: s } });
    const a = run(1);
    assert.equal(sha(a.params), sha(run(1).params));
    assert.notEqual(sha(a.params), sha(run(2).params));
    assert.ok(evaluate(spec, a.params, peng.test).accuracy > 0.6);
    const eps = dpEpsilon({ noiseMultiplier: 0.5, delta: 1e-5, minSurvivors: 3, survivors: a.history.map((m) => m.nodes) });
    assert.equal(eps.perRound.length, 5);
    assert.ok(eps.total > eps.perRound[0]);
  });
});

describe("DP off: models bit-identical to the code before DP", () => {
  // Hashes of the final parameters computed with main at 9a43de2 (before src/fl/dp existed) by the same runs.
  it("penguins, 4 masked nodes, one dropout; seattle-weather MLP/Adam, plain", () => {
    const peng = loadPenguins();
    const spec = parseModelSpec({ ...baseSpec });
    assert.equal(serializeModelSpec(spec).length, new TextEncoder().encode(JSON.stringify(spec)).length, "no dp key appears");
    const a = runFederated({ spec, nodes: [...peng.nodes, peng.test], rounds: 3, dropped: (r) => (r === 2 ? [3] : []) });
    assert.equal(sha(a.params), "bb28b0fc60cc11035d341f1dee036952ac515a6c3f70528d837d6ac5661f2b81");
    const w = loadSeattleWeather();
    const spec2 = parseModelSpec({ ...baseSpec, features: w.features, label: "weather", classes: w.classes, model: "mlp", hidden: 8, optimizer: "adam", learningRate: 0.01 });
    const b = runFederated({ spec: spec2, nodes: w.nodes, rounds: 2, secure: false });
    assert.equal(sha(b.params), "8761357f0ffc0fe16d787a3e249ba733676bd8fa6ddcf4695e29069be1c0fecb");
  });
});

describe("DP terms on chain (createDpTask's fixed point)", () => {
  it("converts exactly (δ through its decimal text) and back; refuses more decimals than the chain keeps", () => {
    assert.deepEqual(dpTermsOnChain({ noiseMultiplier: 1.2, delta: 1e-5 }), { noiseMultiplierE6: 1_200_000, deltaE18: 10n ** 13n });
    assert.deepEqual(dpTermsOnChain({ noiseMultiplier: 0.000001, delta: 3e-18 }), { noiseMultiplierE6: 1, deltaE18: 3n });
    assert.throws(() => dpTermsOnChain({ noiseMultiplier: 1, delta: 2.5e-18 }), /18 decimals/);
    assert.throws(() => dpTermsOnChain({ noiseMultiplier: 1.0000001, delta: 1e-5 }), /6 decimals/);
    assert.deepEqual(dpTermsFromChain({ noiseMultiplierE6: 1_200_000, deltaE18: 10n ** 13n }), { noiseMultiplier: 1.2, delta: 1e-5 });
    assert.equal(dpTermsFromChain({ noiseMultiplierE6: 0, deltaE18: 0n }), undefined);
  });

  it("a node trains only under the terms the chain records: both absent or equal match, anything else is named", () => {
    const none = { noiseMultiplierE6: 0, deltaE18: 0n };
    const chain = { noiseMultiplierE6: 1_000_000, deltaE18: 10n ** 13n };
    assert.equal(dpTermsMismatch(undefined, none), undefined);
    assert.equal(dpTermsMismatch({ noiseMultiplier: 1, delta: 1e-5 }, chain), undefined);
    assert.match(dpTermsMismatch(undefined, chain)!, /on chain but its model spec has none/);
    assert.match(dpTermsMismatch({ noiseMultiplier: 1, delta: 1e-5 }, none)!, /created without DP terms/);
    assert.match(dpTermsMismatch({ noiseMultiplier: 0.5, delta: 1e-5 }, chain)!, /differ from the chain's \(1, 0\.00001\)/);
    assert.match(dpTermsMismatch({ noiseMultiplier: 1, delta: 1e-6 }, chain)!, /differ/);
  });
});
