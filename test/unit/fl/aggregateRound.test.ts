import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import {
  aggregateRound,
  buildUpdate,
  decodeReveal,
  decodeRoundModel,
  decodeUpdate,
  encodeReveal,
  encodeRoundModel,
  evaluate,
  evaluationBlockLength,
  evaluationRows,
  initParams,
  LOSS_SCALE,
  predict,
  parseModelSpec,
  revealSeedsFor,
  RoundAggregationError,
  trainLocal,
  UpdateFormatError,
  type RoundReveal,
  type RoundUpdateResult,
  type SaMember,
  type Table,
} from "../../../src/fl/index.ts";
import { baseSpec, loadPenguins, nodeIdentity, runFederated, trainCentralized } from "./helpers.ts";

const penguins = loadPenguins();
const spec = parseModelSpec({ ...baseSpec, epochs: 2, l2: 1e-4 });

describe("federated training on penguins (3 islands)", () => {
  it("with secure aggregation reaches the centralized LR accuracy within 1 point on the same test set", () => {
    const rounds = 30;
    const fed = runFederated({ spec, nodes: penguins.nodes, rounds });
    const central = trainCentralized(spec, penguins.train, rounds * spec.epochs);
    const f = evaluate(spec, fed.params, penguins.test).accuracy;
    const c = evaluate(spec, central, penguins.test).accuracy;
    assert.ok(c >= 0.95, `centralized ${c}`);
    assert.ok(f >= c - 0.01, `federated ${f} vs centralized ${c}`);
    assert.ok(fed.history.at(-1)!.loss < fed.history[0].loss / 2, "the reported loss falls");
    assert.equal(fed.history[0].samples, penguins.train.features.rows);
  });

  it("secure and plain aggregation produce bit-identical models", () => {
    const a = runFederated({ spec, nodes: penguins.nodes, rounds: 3, secure: true });
    const b = runFederated({ spec, nodes: penguins.nodes, rounds: 3, secure: false });
    assert.deepEqual(a.params, b.params);
    assert.deepEqual(a.history, b.history);
  });

  it("recovers from dropouts via reveals (6 nodes, 1–2 dropped in some rounds) and still learns", () => {
    const halves = penguins.nodes.flatMap((t) => [rows(t, 0, 2), rows(t, 1, 2)]);
    const fed = runFederated({ spec, nodes: halves, rounds: 20, dropped: (r) => (r % 3 === 0 ? [1, 4] : r % 5 === 0 ? [2] : []) });
    assert.equal(fed.history[2].nodes, 4);
    assert.equal(fed.history[4].nodes, 5);
    assert.ok(evaluate(spec, fed.params, penguins.test).accuracy >= 0.95);
  });

  it("each round reports the model that entered it on the survivors' pooled held-out rows, also with dropouts", () => {
    const held = parseModelSpec({ ...spec, validationFraction: 0.2 });
    const halves = penguins.nodes.flatMap((t) => [rows(t, 0, 2), rows(t, 1, 2)]);
    const dropped = (r: number) => (r === 2 ? [1, 4] : []);
    const fed = runFederated({ spec: held, nodes: halves, rounds: 3, dropped });
    for (const [k, m] of fed.history.entries()) {
      const round = k + 1;
      const survivors = halves.filter((_, i) => !dropped(round).includes(i));
      const union = concatTables(survivors.map((t) => pick(t, evaluationRows(held, t.features.rows))));
      const truth = evaluate(held, fed.models[round - 1], union);
      assert.equal(m.evaluatedModel, round - 1);
      assert.equal(m.rows, union.features.rows);
      assert.equal(m.accuracy, truth.accuracy, `round ${round}`);
      assert.ok(Math.abs(m.loss - truth.logLoss) <= survivors.length / (2 * LOSS_SCALE * m.rows), `round ${round}: ${m.loss} vs ${truth.logLoss}`);
    }
    assert.equal(fed.history[1].nodes, 4);
    assert.ok(fed.history[2].accuracy > fed.history[0].accuracy);
  });
});

/** The given rows of a table. */
function pick(t: Table, idx: ArrayLike<number>): Table {
  const D = t.features.cols;
  const data = new Float64Array(idx.length * D);
  Array.from(idx).forEach((r, i) => data.set(t.features.data.subarray(r * D, (r + 1) * D), i * D));
  return { features: { rows: idx.length, cols: D, data }, labels: Int32Array.from(idx, (r) => t.labels[r]) };
}

/** Every k-th row of a table starting at `offset`. */
function rows(t: Table, offset: number, k: number): Table {
  const idx = Array.from({ length: t.features.rows }, (_, i) => i).filter((i) => i % k === offset);
  const D = t.features.cols;
  const data = new Float64Array(idx.length * D);
  idx.forEach((r, i) => data.set(t.features.data.subarray(r * D, (r + 1) * D), i * D));
  return { features: { rows: idx.length, cols: D, data }, labels: Int32Array.from(idx, (r) => t.labels[r]), columns: t.columns };
}

describe("aggregateRound failure handling", () => {
  const taskId = 11n;
  const round = 2;
  const ids = [1, 2, 3, 4, 5].map(nodeIdentity);
  const members: SaMember[] = ids.map((i) => ({ address: i.address, publicKey: i.publicKey }));
  const tables = [0, 1, 2, 3, 4].map((i) => rows(penguins.train, i, 5));
  const global = initParams(spec);
  const maxTotalSamples = penguins.train.features.rows;

  function submit(i: number, secure = true): RoundUpdateResult {
    const trained = trainLocal(spec, global, tables[i], { round, node: i });
    const { bytes } = buildUpdate({
      spec, taskId, round, node: ids[i].address, globalParams: global, trained, table: tables[i], maxTotalSamples,
      sa: secure ? { self: ids[i], members } : undefined,
    });
    return { node: ids[i].address, samples: trained.samples, update: decodeUpdate(bytes) };
  }
  const updates = [0, 1, 2, 3, 4].map((i) => submit(i));
  const plainUpdates = [0, 1, 2, 3, 4].map((i) => submit(i, false));
  const reveal = (i: number, submitted: Address[], dropped: Address[]): RoundReveal => ({
    node: ids[i].address,
    reveal: decodeReveal(encodeReveal({ taskId, round, from: ids[i].address, reveals: revealSeedsFor({ taskId, round, self: ids[i], members, submitted, dropped }) })),
  });
  const base = { spec, taskId, round, globalParams: global, members };

  it("finalizes with the metrics of the global model the round started from (pooled counts), the same masked or plain", () => {
    const r = aggregateRound({ ...base, updates });
    const p = aggregateRound({ ...base, updates: plainUpdates, secure: false });
    assert.equal(r.status, "finalized");
    assert.equal(p.status, "finalized");
    if (r.status !== "finalized" || p.status !== "finalized") return;
    assert.deepEqual(r.params, p.params);
    assert.deepEqual(r.metrics, p.metrics);
    const total = updates.reduce((s, u) => s + u.samples, 0);
    assert.equal(r.metrics.samples, total);
    assert.equal(r.metrics.nodes, 5);
    // Without validationFraction every row is an evaluation row: the figure is the global model's on all 5 tables.
    const union = concatTables(tables);
    const truth = evaluate(spec, global, union);
    assert.equal(r.metrics.evaluatedModel, round - 1);
    assert.equal(r.metrics.rows, union.features.rows);
    assert.equal(r.metrics.accuracy, truth.accuracy);
    assert.ok(Math.abs(r.metrics.loss - truth.logLoss) <= 5 / (2 * LOSS_SCALE * union.features.rows), `${r.metrics.loss} vs ${truth.logLoss}`);
    const predicted = predict(spec, global, union.features);
    r.metrics.classes.forEach((c, k) => {
      const of = [...union.labels.keys()].filter((i) => union.labels[i] === k);
      assert.equal(c.rows, of.length);
      assert.equal(c.correct, of.filter((i) => predicted[i] === k).length);
    });
    // The locally trained models are a separate figure, and better than the initial model here.
    assert.ok(r.metrics.localAccuracy > r.metrics.accuracy, `${r.metrics.localAccuracy} vs ${r.metrics.accuracy}`);
    assert.deepEqual(r.included, ids.map((i) => i.address).sort());
  });

  it("a corrupt masked update on chain stalls the round: re-run without it (masks cannot be removed safely)", () => {
    const r = aggregateRound({ ...base, updates: updates.slice(0, 4), failures: [{ node: ids[4].address, reason: "root mismatch" }] });
    assert.equal(r.status, "rerun");
    if (r.status !== "rerun") return;
    assert.deepEqual(r.excluded, [{ node: ids[4].address, reason: "root mismatch" }]);
    assert.deepEqual(r.members.map((m) => m.address), ids.slice(0, 4).map((i) => i.address));
    assert.throws(
      () => aggregateRound({ ...base, updates: updates.slice(0, 4), failures: [{ node: ids[4].address, reason: "root mismatch" }], onFailure: "throw" }),
      (e: unknown) => e instanceof RoundAggregationError && /cannot be finalized/.test(e.message) && /root mismatch/.test(e.message),
    );
  });

  const mismatches: [string, (u: RoundUpdateResult) => RoundUpdateResult, RegExp][] = [
    ["wrong round", (u) => ({ ...u, update: { ...u.update, header: { ...u.update.header, round: 1 } } }), /round 1/],
    ["wrong task", (u) => ({ ...u, update: { ...u.update, header: { ...u.update.header, taskId: 12n } } }), /task 12/],
    ["samples differing from the chain", (u) => ({ ...u, samples: u.samples + 1 }), /chain records/],
    ["another node's header", (u) => ({ ...u, update: { ...u.update, header: { ...u.update.header, node: ids[0].address } } }), /names node/],
    ["wrong length", (u) => ({ ...u, update: { header: { ...u.update.header, length: 14 }, vector: u.update.vector.slice(1) } }), /values/],
    ["wrong scale", (u) => ({ ...u, update: { ...u.update, header: { ...u.update.header, scale: 1024 } } }), /scale/],
    ["an unmasked update", () => plainUpdates[2], /not masked/],
  ];
  for (const [name, mutate, reason] of mismatches)
    it(`a header mismatch (${name}) excludes the node and forces a re-run`, () => {
      const bad = updates.map((u, i) => (i === 2 ? mutate(u) : u));
      const r = aggregateRound({ ...base, updates: bad });
      assert.equal(r.status, "rerun");
      assert.equal(r.excluded.length, 1);
      assert.equal(r.excluded[0].node, ids[2].address);
      assert.match(r.excluded[0].reason, reason);
    });

  it("with a dropout the survivors' reveals recover the sum", () => {
    const submitted = ids.slice(0, 4).map((i) => i.address);
    const reveals = [0, 1, 2, 3].map((i) => reveal(i, submitted, [ids[4].address]));
    const r = aggregateRound({ ...base, updates: updates.slice(0, 4), reveals });
    const p = aggregateRound({ ...base, updates: plainUpdates.slice(0, 4), secure: false });
    assert.equal(r.status, "finalized");
    if (r.status === "finalized" && p.status === "finalized") assert.deepEqual(r.params, p.params);
  });

  it("a survivor that missed the reveal window is excluded and the round re-run", () => {
    const submitted = ids.slice(0, 4).map((i) => i.address);
    const reveals = [0, 1, 3].map((i) => reveal(i, submitted, [ids[4].address]));
    const r = aggregateRound({ ...base, updates: updates.slice(0, 4), reveals });
    assert.equal(r.status, "rerun");
    assert.deepEqual(r.excluded, [{ node: ids[2].address, reason: "missed the reveal window" }]);
  });

  it("a reveal toward a member whose update is on chain is rejected (the revealer is excluded)", () => {
    const submitted = ids.slice(0, 4).map((i) => i.address);
    const reveals = [0, 1, 2, 3].map((i) => reveal(i, submitted, [ids[4].address]));
    // Node 1 crafts a reveal file that also gives away its seed toward node 0 (bypassing revealSeedsFor's guard).
    const leaked = reveal(1, [ids[1].address], [ids[0].address, ids[4].address]);
    reveals[1] = leaked;
    const r = aggregateRound({ ...base, updates: updates.slice(0, 4), reveals });
    assert.equal(r.status, "rerun");
    assert.equal(r.excluded[0].node, ids[1].address);
    assert.match(r.excluded[0].reason, /whose update is on chain/);
  });

  it("a reveal missing a dropped member or signed by another node is rejected", () => {
    const submitted = ids.slice(0, 3).map((i) => i.address);
    const dropped = [ids[3].address, ids[4].address];
    const reveals = [0, 1, 2].map((i) => reveal(i, submitted, dropped));
    reveals[0] = reveal(0, submitted, [ids[3].address]);
    reveals[2] = { node: ids[2].address, reveal: reveals[1].reveal };
    const r = aggregateRound({ ...base, updates: updates.slice(0, 3), reveals });
    assert.equal(r.status, "rerun");
    assert.deepEqual(r.excluded.map((e) => e.node), [ids[0].address, ids[2].address]);
    assert.match(r.excluded[0].reason, /lacks the seeds/);
    assert.match(r.excluded[1].reason, /signed as/);
  });

  it("an update whose evaluation counts are impossible is excluded on the plain path", () => {
    const bad = plainUpdates.map((u, i) => {
      if (i !== 0) return u;
      const vector = Int32Array.from(u.update.vector);
      vector[vector.length - evaluationBlockLength(spec) + 5] += 1; // the first class's rows: no longer the total
      return { ...u, update: { ...u.update, vector } };
    });
    const r = aggregateRound({ ...base, updates: bad, secure: false });
    assert.equal(r.status, "finalized");
    if (r.status === "finalized") assert.deepEqual(r.excluded, [{ node: ids[0].address, reason: "the evaluation's per-class counts do not add up to its totals" }]);
  });

  it("a wrong revealed seed is caught by the range check of the unmasked sum", () => {
    const submitted = ids.slice(0, 4).map((i) => i.address);
    const reveals = [0, 1, 2, 3].map((i) => reveal(i, submitted, [ids[4].address]));
    const forged = reveals[3].reveal.reveals.map((s) => ({ ...s, seed: `0x${"42".repeat(32)}` as Hex }));
    reveals[3] = { node: ids[3].address, reveal: { ...reveals[3].reveal, reveals: forged } };
    const r = aggregateRound({ ...base, updates: updates.slice(0, 4), reveals });
    assert.equal(r.status, "rerun");
    if (r.status === "rerun") assert.match(r.reason, /out of range/);
  });

  it("a re-run (attempt 1) refuses an update or a reveal replayed from attempt 0, naming the node", () => {
    const submitAt = (i: number, attempt: number): RoundUpdateResult => {
      const trained = trainLocal(spec, global, tables[i], { round, node: i });
      const { bytes } = buildUpdate({ spec, taskId, round, attempt, node: ids[i].address, globalParams: global, trained, table: tables[i], maxTotalSamples, sa: { self: ids[i], members } });
      return { node: ids[i].address, samples: trained.samples, update: decodeUpdate(bytes) };
    };
    const fresh = [0, 1, 2, 3, 4].map((i) => submitAt(i, 1));
    assert.equal(fresh[0].update.header.attempt, 1);
    const ok = aggregateRound({ ...base, attempt: 1, updates: fresh });
    assert.equal(ok.status, "finalized");
    if (ok.status === "finalized") assert.deepEqual(ok.params, (aggregateRound({ ...base, updates: plainUpdates, secure: false }) as { params: Float64Array }).params);
    // Node 3 resubmits its attempt-0 file: masked with attempt-0 seeds, it would not cancel.
    const replayed = aggregateRound({ ...base, attempt: 1, updates: fresh.map((u, i) => (i === 3 ? updates[3] : u)) });
    assert.equal(replayed.status, "rerun");
    assert.deepEqual(replayed.excluded, [{ node: ids[3].address, reason: "update is for attempt 0, not 1" }]);
    // With a dropout in attempt 1, a reveal file of attempt 0 (other seeds) is refused by name too.
    const submitted = ids.slice(0, 4).map((i) => i.address);
    const revealAt = (i: number, attempt: number): RoundReveal => ({
      node: ids[i].address,
      reveal: decodeReveal(encodeReveal({ taskId, round, attempt, from: ids[i].address,
        reveals: revealSeedsFor({ taskId, round, attempt, self: ids[i], members, submitted, dropped: [ids[4].address] }) })),
    });
    const reveals = [0, 1, 2, 3].map((i) => revealAt(i, 1));
    assert.equal(reveals[0].reveal.attempt, 1);
    assert.equal(aggregateRound({ ...base, attempt: 1, updates: fresh.slice(0, 4), reveals }).status, "finalized");
    reveals[2] = revealAt(2, 0);
    const stale = aggregateRound({ ...base, attempt: 1, updates: fresh.slice(0, 4), reveals });
    assert.equal(stale.status, "rerun");
    assert.equal(stale.excluded[0].node, ids[2].address);
    assert.match(stale.excluded[0].reason, /attempt 0/);
  });

  it("refuses to finalize with fewer than minNodes updates", () => {
    const submitted = ids.slice(0, 2).map((i) => i.address);
    const dropped = ids.slice(2).map((i) => i.address);
    const reveals = [0, 1].map((i) => reveal(i, submitted, dropped));
    const r = aggregateRound({ ...base, updates: updates.slice(0, 2), reveals });
    assert.equal(r.status, "rerun");
    if (r.status === "rerun") assert.match(r.reason, /at least 3/);
    assert.equal(aggregateRound({ ...base, updates: updates.slice(0, 2), reveals, minNodes: 2 }).status, "finalized");
  });

  it("without secure aggregation, corrupt and over-norm updates are simply excluded", () => {
    const huge = { ...plainUpdates[3], update: { ...plainUpdates[3].update, vector: plainUpdates[3].update.vector.map(() => 2 ** 30) } };
    const r = aggregateRound({
      ...base,
      secure: false,
      updates: [plainUpdates[0], plainUpdates[1], plainUpdates[2], huge],
      failures: [{ node: ids[4].address, reason: "not retrievable" }],
    });
    assert.equal(r.status, "finalized");
    if (r.status !== "finalized") return;
    assert.deepEqual(r.excluded.map((e) => e.node), [ids[4].address, ids[3].address]);
    assert.match(r.excluded[1].reason, /clip norm/);
    assert.equal(r.metrics.nodes, 3);
  });

  it("rejects updates from non-members and duplicates as caller errors", () => {
    const stranger = { ...updates[0], node: nodeIdentity(99).address };
    assert.throws(() => aggregateRound({ ...base, updates: [...updates, stranger] }), /not a member/);
    assert.throws(() => aggregateRound({ ...base, updates: [...updates, updates[0]] }), /twice/);
  });
});

describe("round model file", () => {
  it("still decodes a version-1 file, its metrics (the nodes' local models) as legacyMetrics", () => {
    const params = initParams(spec);
    const v2 = encodeRoundModel({ taskId: 3n, round: 1, params });
    const legacy = { samples: 10, nodes: 3, loss: 0.5, accuracy: 0.75, valAccuracy: 0.5 };
    const text = new TextEncoder().encode(JSON.stringify({ taskId: "3", round: 1, length: params.length, metrics: legacy }));
    const headerLength = new DataView(v2.buffer).getUint32(10, true);
    const v1 = new Uint8Array(14 + text.length + 8 * params.length);
    v1.set(v2.subarray(0, 14));
    new DataView(v1.buffer).setUint16(8, 1, true);
    new DataView(v1.buffer).setUint32(10, text.length, true);
    v1.set(text, 14);
    v1.set(v2.subarray(14 + headerLength), 14 + text.length);
    assert.deepEqual(decodeRoundModel(v1), { taskId: 3n, round: 1, params, legacyMetrics: legacy });
  });

  it("roundtrips parameters and metrics exactly and rejects tampering", () => {
    const params = initParams(spec);
    params[0] = -1.5e-300;
    const model = {
      taskId: 3n,
      round: 4,
      params,
      metrics: {
        samples: 10, nodes: 3, evaluatedModel: 3, rows: 4, accuracy: 0.75, loss: 0.5,
        classes: [{ rows: 3, correct: 3, recall: 1 }, { rows: 1, correct: 0, recall: 0 }, { rows: 0, correct: 0 }], localAccuracy: 1, localLoss: 0.25,
      },
      nodes: [nodeIdentity(1).address, nodeIdentity(2).address],
    };
    const bytes = encodeRoundModel(model);
    assert.deepEqual(decodeRoundModel(bytes), model);
    assert.deepEqual(decodeRoundModel(encodeRoundModel({ taskId: 3n, round: 0, params })), { taskId: 3n, round: 0, params });
    assert.throws(() => decodeRoundModel(bytes.subarray(0, bytes.length - 8)), UpdateFormatError);
    assert.throws(() => decodeRoundModel(Uint8Array.from(bytes, (b, i) => (i === 3 ? 0 : b))), /bad magic/);
    const nan = Uint8Array.from(bytes);
    new DataView(nan.buffer).setFloat64(nan.length - 8, NaN, true);
    assert.throws(() => decodeRoundModel(nan), /non-finite/);
    assert.throws(() => encodeRoundModel({ ...model, params: Float64Array.of(Infinity) }), /non-finite/);
  });
});

/** The rows of several tables, one after the other. */
function concatTables(tables: Table[]): Table {
  const D = tables[0].features.cols;
  const rows = tables.reduce((s, t) => s + t.features.rows, 0);
  const data = new Float64Array(rows * D);
  const labels = new Int32Array(rows);
  let at = 0;
  for (const t of tables) {
    data.set(t.features.data.subarray(0, t.features.rows * D), at * D);
    labels.set(t.labels, at);
    at += t.features.rows;
  }
  return { features: { rows, cols: D, data }, labels };
}
