// Models from encrypted sufficient statistics: upload size per contributor, encrypt / add / decrypt times (single
// key and a 3-member committee), precision, and the accuracy of pooled LDA / naive Bayes / ridge against the same
// fit on the plaintext union and centralized logistic regression. Replaces the "Models from encrypted sufficient
// statistics" section of bench/results/fhe.md, up to the next "## " heading (bench/fhe.ts rewrites the whole file and
// bench/fheCommittee.ts drops what follows its section: `npm run bench` runs this one after both).
// Run: node bench/fheSufficientStats.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { zeroHash } from "viem";
import {
  COMMITTEE_FHE_PARAMS,
  addStatistics,
  combineStatisticsShares,
  createFheContext,
  decryptStatistics,
  encryptStatistics,
  generateKeys,
  readCommitteeKeys,
  shareStatisticsDecryption,
  writeMemberState,
} from "../src/fhe/index.ts";
import { evaluate, parseModelSpec } from "../src/fl/index.ts";
import { accuracy, addStatisticsPlain, fitGaussianNaiveBayes, fitLda, fitQda, fitRidge, localStatistics, rmse } from "../src/ml/index.ts";
import type { StatisticsLayout } from "../src/ml/index.ts";
import { trainCentralized } from "../test/unit/fl/helpers.ts";
import { makeCommittee } from "../test/unit/fhe/multipartyHelpers.ts";
import {
  classificationLayout,
  loadPenguins,
  loadSeattleWeather,
  modelRelDiff,
  regressionLayout,
  regressionTable,
} from "../test/unit/ml/datasets.ts";
import type { Dataset } from "../test/unit/ml/datasets.ts";

const OUT = fileURLToPath(new URL("./results/fhe.md", import.meta.url));
const HEADING = "## Models from encrypted sufficient statistics";
const SEEDS = [1, 2, 3];
const LOGREG_EPOCHS = 300;
const QDA_SHRINKAGE = 1e-3;
const load = loadavg()[0];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;
const pct = (x: number) => (100 * x).toFixed(1);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (xs: number[], f = pct) => `${f(mean(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const exp = (x: number) => (x === 0 ? "0" : x.toExponential(1));

function time<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Largest |a − b| / |b| over the entries with |b| >= 1 (smaller sums — e.g. Σx of z-scores — are near 0 by construction). */
function statsRelDiff(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < b.length; i++) if (Math.abs(b[i]) >= 1) max = Math.max(max, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return max;
}

// ── Costs: single key (N=8192 [60,40,40,60]) and a 3-member committee ([58,50,50,60]) ──
const penguins = loadPenguins();
const layout = classificationLayout(penguins);
const contributions = penguins.nodes.map((node) => localStatistics(node, layout));
const costRows: string[] = [];
const precisionRows: string[] = [];
{
  const ctx = await createFheContext();
  const keys = generateKeys(ctx);
  const enc = Array.from({ length: 5 }, (_, r) =>
    time(() => contributions.map((statistics, i) => encryptStatistics(ctx, { statistics, layout, keys, contributor: `c${i}` })))).map(
    (x, r) => ({ ...x, ms: x.ms / 3, r }),
  );
  const uploads = enc[0].value;
  const add = Array.from({ length: 5 }, () => time(() => addStatistics(ctx, uploads)));
  const dec = Array.from({ length: 5 }, () => time(() => decryptStatistics(ctx, add[0].value, keys, { minContributors: 3 })));
  const pooled = dec[0].value.statistics;
  const plain = localStatistics(penguins.train, layout);
  costRows.push(
    `| single key | ${layout.kind}, K = ${penguins.classes.length}, D = ${layout.features}: ${plain.length} values | ${kib(uploads[0].length)} | ${ms(median(enc.map((e) => e.ms)))} | ${ms(median(add.map((e) => e.ms)))} (3 files) | ${ms(median(dec.map((e) => e.ms)))} | — |`,
  );
  precisionRows.push(
    `| single key | ${exp(statsRelDiff(pooled, plain))} | ${exp(modelRelDiff(fitLda(pooled, layout), fitLda(plain, layout)))} |`,
  );
  ctx.dispose();
}
{
  const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
  const dir = await mkdtemp(join(tmpdir(), "2pm-bench-suffstats-"));
  const trio = makeCommittee(ctx, 3);
  const states = trio.members.map((_, m) => join(dir, `m${m}.state`));
  await Promise.all(trio.members.map((member, m) => writeMemberState(states[m], member.state)));
  const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
  const enc = time(() => contributions.map((statistics, i) => encryptStatistics(ctx, { statistics, layout, keys: evaluationKeys, contributor: `c${i}` })));
  const add = time(() => addStatistics(ctx, enc.value));
  const shares: Uint8Array[] = [];
  const shareTimes: number[] = [];
  for (const statePath of states) {
    const s = await timeAsync(() => shareStatisticsDecryption(ctx, { statePath, committeeKeys: trio.committeeKeys, statistics: add.value, minContributors: 3 }));
    shares.push(s.value);
    shareTimes.push(s.ms);
  }
  const combine = time(() => combineStatisticsShares(ctx, { statistics: add.value, committeeKeys: trio.committeeKeys, shares, minContributors: 3 }));
  const pooled = combine.value.statistics;
  const plain = localStatistics(penguins.train, layout);
  costRows.push(
    `| committee (3 members) | same | ${kib(enc.value[0].length)} | ${ms(enc.ms / 3)} | ${ms(add.ms)} (3 files) | ${ms(combine.ms)} (combine 3 shares) | ${ms(median(shareTimes))}, ${kib(shares[0].length)} |`,
  );
  precisionRows.push(
    `| committee (3 members) | ${exp(statsRelDiff(pooled, plain))} | ${exp(modelRelDiff(fitLda(pooled, layout), fitLda(plain, layout)))} |`,
  );
  await rm(dir, { recursive: true, force: true });
  ctx.dispose();
}

// ── Accuracy: pooled (encrypted) vs the plaintext union vs centralized logistic regression, 3 split seeds ──
const ctx = await createFheContext();
const keys = generateKeys(ctx);
/** The statistics of each node, encrypted, added, decrypted: what a call's decryptor gets. */
function pooledOf(ds: Dataset, lay: StatisticsLayout, tables: typeof ds.nodes | ReturnType<typeof regressionTable>[]): { pooled: Float64Array; plain: Float64Array } {
  const local = tables.map((t) => localStatistics(t, lay));
  const files = local.map((statistics, i) => encryptStatistics(ctx, { statistics, layout: lay, keys, contributor: `node-${i}` }));
  const { statistics } = decryptStatistics(ctx, addStatistics(ctx, files), keys, { minContributors: 3 });
  return { pooled: statistics, plain: addStatisticsPlain(local) };
}
function logistic(ds: Dataset, seed: number): number {
  const spec = parseModelSpec({
    format: "2pm-model/1", model: "logreg", schemaHash: zeroHash, features: ds.features, label: "y", classes: ds.classes,
    epochs: 2, batchSize: 16, learningRate: 0.1, optimizer: "sgd", l2: 1e-4, seed, clipNorm: 5, fixedPointScale: 2 ** 16,
  });
  return evaluate(spec, trainCentralized(spec, ds.train, LOGREG_EPOCHS), ds.test).accuracy;
}
const tasks: { name: string; load: (seed: number) => Dataset }[] = [
  { name: "penguins by island (3), species", load: (seed) => loadPenguins({ seed }) },
  { name: "seattle-weather by year (2012 / 2013 / 2014–15), weather", load: (seed) => loadSeattleWeather({ seed }) },
  { name: "seattle-weather by season (4), weather", load: (seed) => loadSeattleWeather({ by: "season", seed }) },
];
const accuracyRows: string[] = [];
for (const task of tasks) {
  const runs = SEEDS.map((s) => {
    const ds = task.load(2024 + s);
    const lay = classificationLayout(ds);
    const { pooled, plain } = pooledOf(ds, lay, ds.nodes);
    const acc = (model: Parameters<typeof accuracy>[0]) => accuracy(model, ds.test.features, ds.test.labels);
    return {
      lda: acc(fitLda(pooled, lay)),
      ldaPlain: acc(fitLda(plain, lay)),
      nb: acc(fitGaussianNaiveBayes(pooled, lay)),
      qda: acc(fitQda(pooled, lay, { shrinkage: QDA_SHRINKAGE })),
      logreg: logistic(ds, s),
      diff: modelRelDiff(fitLda(pooled, lay), fitLda(plain, lay)),
    };
  });
  const pick = (k: "lda" | "ldaPlain" | "nb" | "qda" | "logreg") => runs.map((r) => r[k]);
  const gap = (k: "lda" | "nb" | "qda") => {
    const g = (100 * (mean(pick(k)) - mean(pick("logreg")))).toFixed(1);
    return g.startsWith("-") ? g : `+${g}`;
  };
  accuracyRows.push(
    `| ${task.name} | ${cell(pick("lda"))} | ${cell(pick("ldaPlain"))} | ${exp(Math.max(...runs.map((r) => r.diff)))} | ${cell(pick("nb"))} | ${cell(pick("qda"))} | ${cell(pick("logreg"))} | ${gap("lda")} / ${gap("nb")} / ${gap("qda")} |`,
  );
}
const ridgeRows: string[] = [];
{
  const runs = SEEDS.map((s) => {
    const ds = loadSeattleWeather({ seed: 2024 + s });
    const lay = regressionLayout(ds);
    const { pooled, plain } = pooledOf(ds, lay, ds.nodes.map(regressionTable));
    const test = regressionTable(ds.test);
    const pooledModel = fitRidge(pooled, lay, { lambda: 1 });
    const plainModel = fitRidge(plain, lay, { lambda: 1 });
    return {
      pooled: rmse(pooledModel, test.features, test.targets!),
      plain: rmse(plainModel, test.features, test.targets!),
      diff: modelRelDiff(pooledModel, plainModel),
    };
  });
  const f = (x: number) => x.toFixed(4);
  ridgeRows.push(
    `| seattle-weather temp_max (z-score) from precipitation, temp_min, wind, month sin/cos; λ = 1 | ${cell(runs.map((r) => r.pooled), f)} | ${cell(runs.map((r) => r.plain), f)} | ${exp(Math.max(...runs.map((r) => r.diff)))} |`,
  );
}
ctx.dispose();

const lines = [
  HEADING,
  "",
  `Run \`node bench/fheSufficientStats.ts\`. ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, 1-min load average at start ${load.toFixed(1)} ` +
    "(shared machine: timings are pessimistic). Each contributor encrypts one statistics vector (counts, Σx, Σxxᵀ per class; " +
    "src/ml/statisticsLayout.ts) under the public key; the compute node adds the files without any key; the key holder or the " +
    "committee decrypts the sum. Layout of the cost rows: penguins, featureBound 10, maxRows 10,000.",
  "",
  "| keys | statistics vector | upload per contributor | encrypt, per contributor | add | decrypt | member share (time, size) |",
  "|---|---|---|---|---|---|---|",
  ...costRows,
  "",
  "Precision (penguins by island, 3 contributors): largest relative error of a pooled statistic with |value| ≥ 1 against the " +
    "plaintext union, and of the LDA model (max |Δparameter| / max |parameter|). The values are rounded to 2^-50 of each entry's bound before use.",
  "",
  "| keys | statistics | LDA model |",
  "|---|---|---|",
  ...precisionRows,
  "",
  `Held-out accuracy (%), mean (min–max) over split seeds ${SEEDS.map((s) => 2024 + s).join(", ")} (20 % test rows drawn from every node; ` +
    `features z-scored with the training rows' statistics). Pooled = fitted from the decrypted sum of the nodes' encrypted statistics; ` +
    `plaintext union = the same fit from the union's statistics in the clear; logistic regression = centralized on the union ` +
    `(SGD, batch 16, lr 0.1, L2 1e-4, ${LOGREG_EPOCHS} epochs, the FL benchmark's model); QDA with shrinkage ${QDA_SHRINKAGE}; gap = pooled ` +
    "LDA / NB / QDA − logistic regression, in points. The two seattle-weather rows are identical by construction: pooled " +
    "statistics do not depend on how the rows are split among contributors, so there is no non-IID gap (compare bench/results/fl.md).",
  "",
  "| task | pooled LDA | LDA, plaintext union | Δ LDA model (max rel.) | pooled Gaussian NB | pooled QDA | logistic regression | gap LDA / NB / QDA |",
  "|---|---|---|---|---|---|---|---|",
  ...accuracyRows,
  "",
  "Ridge, held-out RMSE (in standard deviations of temp_max):",
  "",
  "| task | pooled ridge | ridge, plaintext union | Δ model (max rel.) |",
  "|---|---|---|---|",
  ...ridgeRows,
  "",
].join("\n");

const previous = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
const at = previous.indexOf(HEADING);
let next: string;
if (at >= 0) {
  const end = previous.indexOf("\n## ", at + HEADING.length);
  next = previous.slice(0, at) + lines + (end >= 0 ? previous.slice(end + 1) : "");
} else {
  next = previous + (previous.endsWith("\n\n") || previous === "" ? "" : "\n") + lines;
}
mkdirSync(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
writeFileSync(OUT, next);
console.log(lines);
