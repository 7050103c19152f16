/**
 * Test/bench helpers for src/fl: tiny local feature prep of the vega-datasets files (independent of src/data) and an
 * in-memory federated simulation that goes through the real update files, masks, reveals and round strategy.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Address, Hex } from "viem";
import {
  aggregateRound,
  buildUpdate,
  createRandomSource,
  createRng,
  createSaCache,
  decodeReveal,
  decodeUpdate,
  encodeReveal,
  initParams,
  permutation,
  revealSeedsFor,
  saKeyPair,
  trainLocal,
  type ModelSpec,
  type RoundMetrics,
  type RoundReveal,
  type RoundUpdateResult,
  type SaMember,
  type ServerState,
  type Table,
} from "../../../src/fl/index.ts";

/** A valid logistic-regression spec for the penguins features. */
export const baseSpec = {
  format: "2pm-model/1",
  model: "logreg",
  schemaHash: `0x${"ab".repeat(32)}`,
  features: ["beak_length", "beak_depth", "flipper_length", "body_mass"],
  label: "species",
  classes: ["Adelie", "Chinstrap", "Gentoo"],
  epochs: 2,
  batchSize: 16,
  learningRate: 0.1,
  optimizer: "sgd",
  seed: 7,
  clipNorm: 5,
  fixedPointScale: 65536,
} as const;

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve("vega-datasets")), "..", "data");

export type Dataset = {
  features: string[];
  classes: string[];
  /** Training rows of all nodes together (the centralized baseline trains on this). */
  train: Table;
  /** Held-out test rows (drawn from every node's data). */
  test: Table;
  /** The training rows of each node. */
  nodes: Table[];
  nodeNames: string[];
};

type Row = { values: number[]; label: string; group: string };

/** z-scores with the training rows' mean/std, splits test rows off by a seeded permutation, groups by node. */
function prepare(rows: Row[], features: string[], classes: string[], groups: string[], testFraction = 0.2, seed: number = 2024): Dataset {
  const perm = permutation(rows.length, createRng(seed));
  const nTest = Math.round(testFraction * rows.length);
  const testRows = Array.from(perm.subarray(0, nTest), (i) => rows[i]);
  const trainRows = Array.from(perm.subarray(nTest), (i) => rows[i]);
  const D = features.length;
  const mean = new Float64Array(D);
  const std = new Float64Array(D);
  for (const r of trainRows) for (let d = 0; d < D; d++) mean[d] += r.values[d] / trainRows.length;
  for (const r of trainRows) for (let d = 0; d < D; d++) std[d] += (r.values[d] - mean[d]) ** 2 / trainRows.length;
  for (let d = 0; d < D; d++) std[d] = Math.sqrt(std[d]) || 1;
  const table = (subset: Row[]): Table => {
    const data = new Float64Array(subset.length * D);
    subset.forEach((r, i) => r.values.forEach((v, d) => (data[i * D + d] = (v - mean[d]) / std[d])));
    return {
      features: { rows: subset.length, cols: D, data },
      labels: Int32Array.from(subset, (r) => classes.indexOf(r.label)),
      columns: features,
    };
  };
  return {
    features,
    classes,
    train: table(trainRows),
    test: table(testRows),
    nodes: groups.map((g) => table(trainRows.filter((r) => r.group === g))),
    nodeNames: groups,
  };
}

/** Penguins: 4 numeric columns → species; nodes = islands (Biscoe, Dream, Torgersen); rows with nulls dropped. */
export function loadPenguins(options: { seed?: number } = {}): Dataset {
  const raw = JSON.parse(readFileSync(join(dataDir, "penguins.json"), "utf8")) as Record<string, unknown>[];
  const cols = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"];
  const rows: Row[] = [];
  for (const r of raw) {
    const values = cols.map((c) => r[c]);
    if (values.some((v) => typeof v !== "number") || typeof r.Species !== "string" || typeof r.Island !== "string") continue;
    rows.push({ values: values as number[], label: r.Species, group: r.Island });
  }
  return prepare(rows, ["beak_length", "beak_depth", "flipper_length", "body_mass"], ["Adelie", "Chinstrap", "Gentoo"], ["Biscoe", "Dream", "Torgersen"], 0.2, options.seed);
}

/** The meteorological season of a month (1–12): winter = Dec–Feb, spring = Mar–May, summer = Jun–Aug, autumn = Sep–Nov. */
export const seasonOf = (month: number) => ["winter", "spring", "summer", "autumn"][Math.floor((month % 12) / 3)];

/**
 * Seattle weather: precipitation, temperatures, wind, season (month sin/cos) → weather. Nodes by `by`:
 * "years-3" (default) = 2012 / 2013 / 2014–15, "year" = one node per year (4), "season" = one per season (4).
 */
export function loadSeattleWeather(options: { by?: "years-3" | "year" | "season"; seed?: number } = {}): Dataset {
  const by = options.by ?? "years-3";
  const lines = readFileSync(join(dataDir, "seattle-weather.csv"), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const at = (name: string) => header.indexOf(name);
  const rows: Row[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const month = Number(f[at("date")].slice(5, 7));
    const year = f[at("date")].slice(0, 4);
    const nums = ["precipitation", "temp_max", "temp_min", "wind"].map((c) => Number(f[at(c)]));
    if (nums.some((v) => !Number.isFinite(v))) continue;
    const angle = (2 * Math.PI * (month - 1)) / 12;
    rows.push({
      values: [...nums, Math.sin(angle), Math.cos(angle)],
      label: f[at("weather")],
      group: by === "season" ? seasonOf(month) : by === "year" ? year : year === "2012" ? "2012" : year === "2013" ? "2013" : "2014-2015",
    });
  }
  return prepare(
    rows,
    ["precipitation", "temp_max", "temp_min", "wind", "month_sin", "month_cos"],
    ["drizzle", "fog", "rain", "snow", "sun"],
    by === "season" ? ["winter", "spring", "summer", "autumn"] : by === "year" ? ["2012", "2013", "2014", "2015"] : ["2012", "2013", "2014-2015"],
    0.2,
    options.seed,
  );
}

/** A deterministic node identity: address 0x…<n> and an X25519 key pair from a fixed seed. */
export function nodeIdentity(n: number): { address: Address; secretKey: Hex; publicKey: Hex } {
  const address = `0x${n.toString(16).padStart(40, "0")}` as Address;
  const keys = saKeyPair(new Uint8Array(32).fill(0).map((_, i) => (i * 31 + n * 7 + 1) & 255));
  return { address, ...keys };
}

/** `models[r]`: the global model after round r (models[0] = the initial model). */
export type FederatedRun = { params: Float64Array; history: RoundMetrics[]; models: Float64Array[] };

/**
 * Simulates `rounds` federated rounds over the nodes' tables through the real files: each node trains from the
 * global model, builds its (masked) update file, the aggregator decodes the files and runs aggregateRound.
 * `dropped(round)` names node indices that train but never submit in that round; survivors then publish reveals.
 */
export function runFederated(options: {
  spec: ModelSpec;
  nodes: Table[];
  rounds: number;
  secure?: boolean;
  taskId?: bigint;
  dropped?: (round: number) => number[];
  /** DP specs: the task's minNodes the noise shares are sized for, and a seed for reproducible noise. */
  dp?: { minSurvivors: number; seed: number };
}): FederatedRun {
  const { spec, nodes, rounds } = options;
  const secure = options.secure ?? true;
  const taskId = options.taskId ?? 1n;
  const ids = nodes.map((_, i) => nodeIdentity(i + 1));
  const members: SaMember[] = ids.map((id) => ({ address: id.address, publicKey: id.publicKey }));
  const maxTotalSamples = nodes.reduce((s, t) => s + t.features.rows, 0);
  const caches = ids.map(() => createSaCache());
  let global = initParams(spec);
  let serverState: ServerState | undefined;
  const history: RoundMetrics[] = [];
  const models = [global];
  for (let round = 1; round <= rounds; round++) {
    const drop = new Set(options.dropped?.(round) ?? []);
    const updates: RoundUpdateResult[] = [];
    nodes.forEach((table, i) => {
      if (drop.has(i)) return;
      const trained = trainLocal(spec, global, table, { round, node: i });
      const { bytes } = buildUpdate({
        spec,
        taskId,
        round,
        node: ids[i].address,
        globalParams: global,
        trained,
        table,
        maxTotalSamples,
        sa: secure ? { self: ids[i], members, cache: caches[i] } : undefined,
        dp: options.dp && {
          minSurvivors: options.dp.minSurvivors,
          maxNodes: nodes.length,
          random: createRandomSource(createHash("sha256").update(`dp/${options.dp.seed}/${round}/${i}`).digest()),
        },
      });
      updates.push({ node: ids[i].address, samples: trained.samples, update: decodeUpdate(bytes) });
    });
    const submitted = updates.map((u) => u.node);
    const droppedAddresses = [...drop].map((i) => ids[i].address);
    const reveals: RoundReveal[] = [];
    if (secure && drop.size > 0)
      for (const u of updates) {
        const self = ids.find((id) => id.address === u.node)!;
        const seeds = revealSeedsFor({ taskId, round, self, members, submitted, dropped: droppedAddresses });
        const file = decodeReveal(encodeReveal({ taskId, round, from: self.address, reveals: seeds }));
        reveals.push({ node: self.address, reveal: file });
      }
    const result = aggregateRound({ spec, taskId, round, globalParams: global, serverState, members, updates, reveals, secure, onFailure: "throw", dpMinSurvivors: options.dp?.minSurvivors });
    if (result.status !== "finalized") throw new Error("unreachable");
    global = result.params;
    serverState = result.serverState;
    history.push(result.metrics);
    models.push(global);
  }
  return { params: global, history, models };
}

/** Centralized baseline: the same model trained on all training rows for `epochs` epochs. */
export function trainCentralized(spec: ModelSpec, train: Table, epochs: number): Float64Array {
  return trainLocal({ ...spec, epochs }, initParams(spec), train).params;
}
