// Pooled results over several inputs (docs/fhe.md, "Pooled results"): what pooling costs a committee task against
// one input and against version 1's per-input sums, on penguins (standardized, x and x² columns) split 124 / 218
// rows — two packed inputs with different block widths, as the demo's islands. Writes bench/results/fhePooled.md.
// Run: node bench/fhePooled.ts
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { computeStats, createFheContext, encryptTable } from "../src/fhe/index.ts";
import { COMMITTEE_FHE_PARAMS, combineDecryptionShares, readCommitteeKeys, shareDecryption, writeMemberState } from "../src/fhe/multiparty/index.ts";
import { openFher } from "../src/fhe/resultHeader.ts";
import { makeCommittee } from "../test/unit/fhe/multipartyHelpers.ts";
import { SCHEMA_HASH, penguins, standardize, versionOneResult } from "../test/unit/fhe/helpers.ts";

const ctx = await createFheContext(COMMITTEE_FHE_PARAMS);
const dir = await mkdtemp(join(tmpdir(), "2pm-bench-pooled-"));
const rows: string[] = [];
try {
  const trio = makeCommittee(ctx, 3);
  const { evaluationKeys } = readCommitteeKeys(ctx, trio.committeeKeys);
  const m = standardize(penguins().features);
  const cols = m.cols * 2;
  const data = new Float64Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const x = m.data[r * m.cols + c];
      data[r * cols + c] = x;
      data[r * cols + m.cols + c] = x * x;
    }
  }
  const part = (a: number, b: number) => ({ rows: b - a, cols, data: data.slice(a * cols, b * cols) });
  const columns = Array.from({ length: cols }, (_, c) => `c${c}`);
  const encrypt = (features: ReturnType<typeof part>) => encryptTable(ctx, { features, columns, keys: evaluationKeys, schemaHash: SCHEMA_HASH });
  const whole = await encrypt(part(0, m.rows));
  const halves = [await encrypt(part(0, 124)), await encrypt(part(124, m.rows))];
  const job = { ops: ["sum", "mean"] as ("sum" | "mean")[] };
  const sums = Array.from({ length: cols }, (_, c) => {
    let s = 0;
    for (let r = 0; r < m.rows; r++) s += data[r * cols + c];
    return s;
  });
  const cases: [string, () => Promise<Uint8Array>][] = [
    ["one input (342 rows)", () => computeStats(ctx, whole, evaluationKeys, job)],
    ["two inputs, pooled (version 2)", () => computeStats(ctx, halves, evaluationKeys, job)],
    ["two inputs, one sum per input (version 1, declined by members)", async () =>
      versionOneResult([await computeStats(ctx, halves[0], evaluationKeys, job), await computeStats(ctx, halves[1], evaluationKeys, job)])],
  ];
  for (const [k, [name, compute]] of cases.entries()) {
    const t0 = performance.now();
    const fher = await compute();
    const t1 = performance.now();
    const shares = [];
    for (const [i, member] of trio.members.entries()) {
      const statePath = join(dir, `case${k}-m${i}.state`);
      await writeMemberState(statePath, member.state);
      shares.push(await shareDecryption(ctx, { statePath, committeeKeys: trio.committeeKeys, result: fher }));
    }
    const t2 = performance.now();
    const result = await combineDecryptionShares(ctx, { result: fher, committeeKeys: trio.committeeKeys, shares });
    const t3 = performance.now();
    const error = Math.max(...result.sums!.map((v, c) => Math.abs(v - sums[c])));
    const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    rows.push(`| ${name} | ${openFher(fher).header.ciphertexts} | ${kib(fher.length)} | ${(t1 - t0).toFixed(0)} ms | ${((t2 - t1) / 3).toFixed(0)} ms, ${kib(shares[0].length)} | ${(t3 - t2).toFixed(0)} ms | ${error.toExponential(2)} |`);
  }
} finally {
  ctx.dispose();
  await rm(dir, { recursive: true, force: true });
}
const lines = [
  "# Pooled FHE results (bench/fhePooled.ts)",
  "",
  `Committee mode (N = 8192, [58, 50, 50, 60], scale 2^50, 3 members), ops sum + mean on standardized penguins with x² columns (342 rows × 8). Load average ${loadavg()[0].toFixed(1)} on a shared 2-core machine: times are noisy.`,
  "",
  "| result | ciphertexts | .fher | compute | one member's share | combine | largest sum error |",
  "|---|---|---|---|---|---|---|",
  ...rows,
  "",
];
await writeFile(fileURLToPath(new URL("./results/fhePooled.md", import.meta.url)), lines.join("\n"));
console.log(lines.join("\n"));
