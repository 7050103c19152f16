// Differential-privacy benchmark: test accuracy vs ε of federated logistic regression with distributed discrete
// Gaussian noise (src/fl/dp) on penguins (3 islands) and seattle-weather (3 year ranges), in process through the
// real update files, masks and round strategy; 3 noise seeds per row.
// Run: node bench/flDp.ts → the "Differential privacy" section of bench/results/fl.md (between its markers; the
// rest of the file, written by bench/fl.ts, is kept).
import { existsSync, readFileSync } from "node:fs";
import { dpEpsilon, evaluate, parseModelSpec, type ModelSpec } from "../src/fl/index.ts";
import { writeFileAtomic } from "../src/storage/index.ts";
import {
  baseSpec,
  loadPenguins,
  loadSeattleWeather,
  runFederated,
  trainCentralized,
  type Dataset,
} from "../test/unit/fl/helpers.ts";

const ROUNDS = 20;
const SEEDS = [1, 2, 3];
const DELTA = 1e-5;
const MULTIPLIERS = [0.5, 1, 2, 4, 8];
// The noise scales with clipNorm: a clip near the typical update norm keeps the signal (1 clips nothing here).
const CLIPS = [0.1, 0.3];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function specFor(ds: Dataset, label: string, dp?: number, clipNorm = 1): ModelSpec {
  return parseModelSpec({
    ...baseSpec,
    features: ds.features,
    label,
    classes: ds.classes,
    l2: 1e-4,
    clipNorm,
    fixedPointScale: 2 ** 16,
    ...(dp === undefined ? {} : { dp: { noiseMultiplier: dp, delta: DELTA } }),
  });
}

type Row = {
  dataset: string;
  setting: string;
  epsilon: number | undefined;
  accs: number[];
};

function rowsFor(name: string, ds: Dataset, label: string): Row[] {
  const nodes = ds.nodes.length;
  const central = trainCentralized(specFor(ds, label), ds.train, ROUNDS * baseSpec.epochs);
  const rows: Row[] = [
    {
      dataset: name,
      setting: "centralized (no DP)",
      epsilon: undefined,
      accs: [evaluate(specFor(ds, label), central, ds.test).accuracy],
    },
  ];
  const plain = runFederated({
    spec: specFor(ds, label),
    nodes: ds.nodes,
    rounds: ROUNDS,
  });
  rows.push({
    dataset: name,
    setting: "FedAvg, no DP",
    epsilon: undefined,
    accs: [evaluate(specFor(ds, label), plain.params, ds.test).accuracy],
  });
  for (const clip of CLIPS)
    for (const z of MULTIPLIERS) {
      const spec = specFor(ds, label, z, clip);
      const accs = SEEDS.map(
        (seed) =>
          evaluate(
            spec,
            runFederated({
              spec,
              nodes: ds.nodes,
              rounds: ROUNDS,
              dp: { minSurvivors: nodes, seed },
            }).params,
            ds.test,
          ).accuracy,
      );
      const { total } = dpEpsilon({
        noiseMultiplier: z,
        delta: DELTA,
        minSurvivors: nodes,
        survivors: Array(ROUNDS).fill(nodes),
      });
      rows.push({
        dataset: name,
        setting: `DP clip ${clip}, z = ${z}`,
        epsilon: total,
        accs,
      });
      console.log(name, clip, z, total.toFixed(2), accs.map(pct).join(" "));
    }
  return rows;
}

const t0 = performance.now();
const rows = [
  ...rowsFor("penguins (3 islands)", loadPenguins(), "species"),
  ...rowsFor("seattle-weather (2012 / 2013 / 2014–15)", loadSeattleWeather(), "weather"),
];
const seconds = (performance.now() - t0) / 1000;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

const section = `<!-- dp:start (written by bench/flDp.ts) -->
## Differential privacy — accuracy vs ε (distributed discrete Gaussian, ${ROUNDS} rounds, δ = 1e-5)

Logistic regression, SGD 2 local epochs/round, batch 16, lr 0.1, L2 1e-4, fixed point 2^16, secure
aggregation (no-DP rows: clipNorm 1); every node survives every round (n = m = 3, the noise shares sized for the task's minNodes = 3). With
DP each update weighs 1 (not its samples) and carries its noise share; central noise per coordinate = z × the
update sensitivity (clipNorm·scale + √length/2). ε: node-level (zero-out), all ${ROUNDS} rounds composed (RDP,
Kairouz et al. 2021 + Canonne–Kamath–Steinke conversion; \`dpEpsilon\`). Accuracy on the held-out 20 %: mean (min–max)
over noise seeds ${SEEDS.join(", ")}. Whole table: ${seconds.toFixed(0)} s on this machine.

| dataset (nodes) | setting | ε (δ = 1e-5) | test accuracy |
|---|---|---:|---:|
${rows
  .map(
    (r) =>
      `| ${r.dataset} | ${r.setting} | ${r.epsilon === undefined ? "∞ (no DP)" : r.epsilon.toFixed(2)} | ${pct(mean(r.accs))}${r.accs.length > 1 ? ` (${pct(Math.min(...r.accs))}–${pct(Math.max(...r.accs))})` : ""} |`,
  )
  .join("\n")}

With 3 nodes the mean update carries noise of standard deviation z·clipNorm/3 per coordinate (in a vector of 15–35
coordinates), about a whole clipped update's length at z ≈ 2: single-digit ε over ${ROUNDS} rounds costs accuracy, and some seeds diverge. The
clip trades bias (0.1 cuts the early, large updates) against noise (0.3). More nodes buy accuracy back at the same
ε: the noise in the mean falls as 1/n when shares are sized for m = n. Penguins (easy, separable) keeps 93–96 % down
to ε ≈ 12; seattle-weather (noisy labels) needs ε ≈ 30 to stay within a few points of FedAvg.
<!-- dp:end -->`;

const file = new URL("./results/fl.md", import.meta.url).pathname;
const current = existsSync(file) ? readFileSync(file, "utf8") : "# Federated learning benchmark\n";
const marked = /<!-- dp:start[\s\S]*?<!-- dp:end -->/;
await writeFileAtomic(
  file,
  marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}\n`,
);
console.log(`wrote the DP section of ${file}`);
