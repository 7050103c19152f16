// FHE benchmark: keygen, encrypt/decrypt throughput, file sizes, encrypted compute. Writes bench/results/fhe.md.
// Run: node bench/fhe.ts   (Node >= 22; the machine is shared, so figures include other load — see "load" below)
// Over 250 lines: one script per benchmark report, each section measured and written next to its table.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";
import {
  computeStats,
  createFheContext,
  decryptResult,
  decryptTable,
  encryptTable,
  evaluationKeysOf,
  exportEvaluationKeys,
  generateKeys,
  readFhedHeader,
} from "../src/fhe/index.ts";
import type { FheContext, FheKeys, Matrix } from "../src/fhe/index.ts";
import { packCiphertext } from "../src/fhe/ciphertextCodec.ts";

const DATA = fileURLToPath(new URL("../node_modules/vega-datasets/data/", import.meta.url));
const OUT = fileURLToPath(new URL("./results/fhe.md", import.meta.url));
const SCHEMA = `0x${"00".repeat(31)}01` as Hex;

// ---- minimal matrix extraction (no dependency on src/data) ----
function numericTable(file: string, columns: string[]): Matrix {
  const records = JSON.parse(readFileSync(DATA + file, "utf8")) as Record<string, unknown>[];
  const kept = records.filter((r) => columns.every((c) => typeof r[c] === "number" && Number.isFinite(r[c])));
  const data = new Float64Array(kept.length * columns.length);
  kept.forEach((r, i) => columns.forEach((c, j) => (data[i * columns.length + j] = r[c] as number)));
  return { rows: kept.length, cols: columns.length, data };
}
function standardize(m: Matrix): Matrix {
  const data = new Float64Array(m.data.length);
  for (let c = 0; c < m.cols; c++) {
    let s = 0;
    let q = 0;
    for (let r = 0; r < m.rows; r++) s += m.data[r * m.cols + c];
    const mean = s / m.rows;
    for (let r = 0; r < m.rows; r++) q += (m.data[r * m.cols + c] - mean) ** 2;
    const std = Math.sqrt(q / m.rows) || 1;
    for (let r = 0; r < m.rows; r++) data[r * m.cols + c] = (m.data[r * m.cols + c] - mean) / std;
  }
  return { ...m, data };
}
function synthetic(rows: number, cols: number): Matrix {
  let state = 7;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = ((i % cols) - cols / 2) / 4 + random() - 0.5;
  return { rows, cols, data };
}
function plain(m: Matrix, weights: number[], bias: number) {
  const sums = new Array(m.cols).fill(0);
  const sq = new Array(m.cols).fill(0);
  const scores = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = bias;
    for (let c = 0; c < m.cols; c++) {
      const x = m.data[r * m.cols + c];
      sums[c] += x;
      sq[c] += x * x;
      s += weights[c] * x;
    }
    scores[r] = s;
  }
  const means = sums.map((s) => s / m.rows);
  return { means, variances: sq.map((q, c) => q / m.rows - means[c] ** 2), scores };
}

const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const value = await fn();
  return [value, (performance.now() - t) / 1000];
};
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 2)} MiB`;
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let e = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / s;
};

const lines: string[] = [];
const out = (line = "") => {
  lines.push(line);
};

const ctx: FheContext = await createFheContext();
const load = loadavg()[0];

// ---- keygen ----
const keygenTimes: number[] = [];
let keys!: FheKeys;
for (let i = 0; i < 3; i++) {
  const [k, s] = await time(() => generateKeys(ctx));
  keys = k;
  keygenTimes.push(s);
}
const bundle = exportEvaluationKeys(ctx, keys);
const evalKeys = evaluationKeysOf(keys);

// ---- ciphertext codecs (one full ciphertext, 4096 random values) ----
const codec = (() => {
  const { seal, encoder, evaluator } = ctx;
  const values = Float64Array.from({ length: ctx.slots }, () => Math.random() * 2 - 1);
  const secret = new seal.SecretKey();
  secret.loadFromArray(ctx.context, keys.secretKey);
  const gen = new seal.KeyGenerator(ctx.context, secret);
  const pk = gen.createPublicKey();
  const enc = new seal.Encryptor(ctx.context, pk, secret);
  const rows: string[] = [];
  for (const primes of [3, 2]) {
    for (const mode of ["symmetric", "public"] as const) {
      const plainText = new seal.Plaintext();
      encoder.encode(values, ctx.params.scale, plainText);
      if (primes < 3) evaluator.plainModSwitchToInplace(plainText, ctx.parmsIdFor(primes));
      const ct =
        mode === "symmetric" ? enc.encryptSymmetricSerializable(plainText) : enc.encryptSerializable(plainText);
      const sizes: string[] = [];
      for (const [name, save] of [
        ["none", () => ct.saveToArray(seal.ComprModeType.none) as Uint8Array],
        ["zlib", () => ct.saveToArray(seal.ComprModeType.zlib) as Uint8Array],
        ["zstd", () => ct.saveToArray(seal.ComprModeType.zstd) as Uint8Array],
        [
          "bit-packed",
          () =>
            packCiphertext(
              ct.saveToArray(seal.ComprModeType.none) as Uint8Array,
              ctx.primeBits,
              () => new Uint8Array(),
            ),
        ],
      ] as const) {
        const reps = 100;
        let bytes = 0;
        for (let i = 0; i < 20; i++) save(); // warm-up (JIT)
        const t = performance.now();
        for (let i = 0; i < reps; i++) bytes = save().length;
        const ms = (performance.now() - t) / reps;
        sizes.push(`${fmt(bytes)} B (${fmt(bytes / ctx.slots / 8, 2)}×, ${fmt(ms, 2)} ms)`);
      }
      rows.push(`| ${primes} | ${mode} | ${sizes.join(" | ")} |`);
      ct.delete();
      plainText.delete();
    }
  }
  enc.delete();
  pk.delete();
  gen.delete();
  secret.delete();
  return rows;
})();

// ---- tables ----
type Case = { name: string; features: Matrix; columns: string[]; note: string };
const penguinColumns = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"];
const flightColumns = ["delay", "distance", "time"];
const penguins = numericTable("penguins.json", penguinColumns);
const flights = numericTable("flights-200k.json", flightColumns);
const cases: Case[] = [
  {
    name: "synthetic 10,000 × 16",
    features: synthetic(10_000, 16),
    columns: Array.from({ length: 16 }, (_, c) => `x${c}`),
    note: "",
  },
  { name: "penguins, raw units", features: penguins, columns: penguinColumns, note: "342 rows × 4" },
  { name: "penguins, standardized", features: standardize(penguins), columns: penguinColumns, note: "" },
  {
    name: "flights-200k, standardized",
    features: standardize(flights),
    columns: flightColumns,
    note: "all 200,000 rows × 3",
  },
  { name: "flights-200k, raw units", features: flights, columns: flightColumns, note: "" },
];

const encRows: string[] = [];
const compRows: string[] = [];
for (const c of cases) {
  const { rows, cols } = c.features;
  const values = rows * cols;
  const [fhed, encS] = await time(() =>
    encryptTable(ctx, { features: c.features, columns: c.columns, keys, schemaHash: SCHEMA }),
  );
  const header = await readFhedHeader(fhed);
  const publicKeys = { keyId: keys.keyId, publicKey: keys.publicKey };
  const [fhedPublic, encP] = await time(() =>
    encryptTable(ctx, { features: c.features, columns: c.columns, keys: publicKeys, schemaHash: SCHEMA }),
  );
  const [decrypted, decS] = await time(() => decryptTable(ctx, fhed, keys));
  let maxErr = 0;
  for (let i = 0; i < values; i++) maxErr = Math.max(maxErr, Math.abs(decrypted.features.data[i] - c.features.data[i]));
  const raw = values * 8;
  const slots = header.ciphertexts * ctx.slots * 8;
  encRows.push(
    `| ${c.name} | ${header.level} (${header.ciphertextPrimes}), ${header.sumOfSquaresGroup} | ${header.ciphertexts} | ${fmt(values / encS)} | ${fmt(values / encP)} | ${fmt(values / decS)} | ${mb(fhed.length)} | **${fmt(fhed.length / raw, 2)}×** | ${fmt(fhed.length / slots, 2)}× | ${fmt(fhedPublic.length / raw, 2)}× | ${maxErr.toExponential(1)} |`,
  );

  // encrypted compute: stats, LR scores, both
  const weights = Array.from({ length: cols }, (_, j) => Math.sin(j + 1) / cols);
  const bias = 0.3;
  const model = { weights, bias };
  const [, statsS] = await time(() => computeStats(ctx, fhed, evalKeys, { ops: ["sum", "mean", "variance"] }));
  const [, scoresS] = await time(() => computeStats(ctx, fhed, evalKeys, { ops: ["scores"], model }));
  const [fher, bothS] = await time(() =>
    computeStats(ctx, fhed, evalKeys, { ops: ["sum", "mean", "variance", "scores"], model }),
  );
  const [result, decResS] = await time(() => decryptResult(ctx, fher, keys));
  const expected = plain(c.features, weights, bias);
  const absMean = Math.max(...expected.means.map((m, j) => Math.abs(result.means![j] - m)));
  const relVar = Math.max(...expected.variances.map((v, j) => Math.abs(result.variances![j] - v) / v));
  compRows.push(
    `| ${c.name} | ${fmt(statsS, 2)} s | ${fmt(scoresS, 2)} s | ${fmt(bothS, 2)} s | ${mb(fher.length)} | ${fmt(decResS, 2)} s | ${absMean.toExponential(1)} | ${relVar.toExponential(1)} | ${relErr(result.scores!.data, expected.scores).toExponential(1)} |`,
  );
  console.error(`done: ${c.name}`);
}

out("# FHE benchmark (CKKS via node-seal 7.0.0, WebAssembly)");
out();
out(
  `Run \`node bench/fhe.ts\`. ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
    `1-min load average at start ${fmt(load, 1)} (the machine is shared: timings are pessimistic).`,
);
out(
  "Parameters: N = 8192, coeff modulus [60, 40, 40, 60], scale 2^40 (128-bit security); 4,096 values per ciphertext.",
);
out();
out("## Keys");
out();
out(`| keygen (s, 3 runs) | public | secret | relin | Galois (12 power-of-two steps) | evaluation bundle |`);
out(`|---|---|---|---|---|---|`);
out(
  `| ${keygenTimes.map((s) => fmt(s, 2)).join(" / ")} | ${mb(keys.publicKey.length)} | ${mb(keys.secretKey.length)} | ${mb(keys.relinKeys.length)} | ${mb(keys.galoisKeys.length)} | ${mb(bundle.length)} |`,
);
out();
out("## One ciphertext, serialized (4,096 random values; × = bytes / raw float64; ms per save)");
out();
out("| primes | encryption | SEAL none | SEAL zlib | SEAL zstd | bit-packed (ours) |");
out("|---|---|---|---|---|---|");
for (const row of codec) out(row);
out();
out("Seeded symmetric encryption halves a ciphertext (c1 is regenerated from a seed); storing 2 primes instead of 3");
out('("compact": one multiplication left, which is all sums/means/variances/linear scores need) saves another third;');
out("bit-packing each coefficient to its prime's width is 11–13 % smaller than zstd on these uniformly random words,");
out("at a similar cost (about 1 ms per ciphertext including SEAL's uncompressed save; timings here are noisy).");
out();
out("## Encrypt / decrypt (values/s count real values; × = file size / raw float64 of the table)");
out();
out(
  "| table | level (primes), Σx² group | ciphertexts | encrypt symmetric (values/s) | encrypt public key (values/s) | decrypt (values/s) | .fhed size | size vs raw | size vs raw per slot | public-key file vs raw | max abs error |",
);
out("|---|---|---|---|---|---|---|---|---|---|---|");
for (const row of encRows) out(row);
out();
out('"per slot" divides by the ciphertext capacity (ciphertexts × 4,096 × 8 B): the last ciphertext of each column is');
out("padded with zeros, so tables far from a multiple of 4,096 rows pay for the padding. Tables of at most 2,048 rows");
out("pack their columns side by side (blocks of a power of two >= rows, one block left empty): penguins' 4 columns of");
out("342 rows fill one ciphertext instead of 4 (blocks of 512 slots). One ciphertext (~100 KB at 2 primes) is the");
out("smallest file, so a table under ~12,800 values cannot reach 3.5× raw: penguins (1,368 values, 10.9 KB raw) is");
out("~9× at best.");
out("Raw-unit tables whose Σx² exceeds the compact headroom are stored at the full level (3 primes) automatically.");
out("Penguins' values/s are dominated by per-call fixed costs (loading the key, deriving the public key node-seal's");
out("Encryptor insists on, ~10–40 ms) over a single ciphertext; flights is all 200,000 rows, uncapped.");
out();
out("## Encrypted compute (evaluation keys only) and result decryption");
out();
out(
  "| table | sum+mean+variance | LR scores (w·x+b) | all four | .fher size | decryptResult | max abs. error means | max rel. error variances | score error / max score |",
);
out("|---|---|---|---|---|---|---|---|---|");
for (const row of compRows) out(row);
out();
out(
  "Scores are the linear logit; the sigmoid is applied after decryption (depth: the score uses the one multiplication",
);
out("a compact ciphertext has left; a degree-3 sigmoid would need two more).");
out(`Peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}.`);

ctx.dispose();
const report = lines.join("\n") + "\n";
mkdirSync(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
writeFileSync(OUT, report);
console.log(report);
