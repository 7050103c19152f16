// Test helpers: the library's own minimal matrix extraction (no dependency on src/data).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import type { Hex } from "viem";
import { createFheContext, generateKeys } from "../../../src/fhe/index.ts";
import { buildContainer } from "../../../src/fhe/container.ts";
import { openFher, type FherHeader } from "../../../src/fhe/resultHeader.ts";
import type { FheContext, FheKeys, Matrix } from "../../../src/fhe/index.ts";

const DATA_DIR = fileURLToPath(new URL("../../../node_modules/vega-datasets/data/", import.meta.url));

export type FheFixture = { ctx: FheContext; keys: FheKeys; dir: string };

/**
 * Registers before/after hooks in the calling suite: a CKKS context, a key set and a temporary directory, then
 * disposes and removes them. Read the fields inside tests (they are set by the before hook).
 */
export function fheFixture(dirPrefix: string): FheFixture {
  const fixture = {} as FheFixture;
  before(async () => {
    fixture.ctx = await createFheContext();
    fixture.keys = generateKeys(fixture.ctx);
    fixture.dir = await mkdtemp(join(tmpdir(), dirPrefix));
  });
  after(async () => {
    fixture.ctx?.dispose();
    if (fixture.dir) await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

export const SCHEMA_HASH = `0x${"5c".repeat(32)}` as Hex;

/** Numeric columns of a vega-datasets JSON file, rows with a missing value dropped. */
export function numericTable(
  file: string,
  columns: readonly string[],
  maxRows = Infinity,
): { columns: string[]; features: Matrix } {
  const records = JSON.parse(readFileSync(DATA_DIR + file, "utf8")) as Record<string, unknown>[];
  const kept = records
    .filter((r) => columns.every((c) => typeof r[c] === "number" && Number.isFinite(r[c])))
    .slice(0, maxRows);
  const data = new Float64Array(kept.length * columns.length);
  kept.forEach((r, i) => columns.forEach((c, j) => (data[i * columns.length + j] = r[c] as number)));
  return { columns: [...columns], features: { rows: kept.length, cols: columns.length, data } };
}

export const PENGUIN_COLUMNS = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"];

export function penguins(): { columns: string[]; features: Matrix } {
  return numericTable("penguins.json", PENGUIN_COLUMNS);
}

/** Deterministic synthetic table: column c ~ uniform around (c − cols/2)/4 (non-zero means, small magnitudes). */
export function synthetic(rows: number, cols: number, seed = 7): { columns: string[]; features: Matrix } {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = (c - cols / 2 + 0.5) / 4 + (random() - 0.5) * (1 + c / cols);
  }
  return { columns: Array.from({ length: cols }, (_, c) => `x${c}`), features: { rows, cols, data } };
}

/** Plaintext reference statistics. */
export function plainStats(m: Matrix): { sums: number[]; means: number[]; variances: number[] } {
  const sums = new Array(m.cols).fill(0);
  const squares = new Array(m.cols).fill(0);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const x = m.data[r * m.cols + c];
      sums[c] += x;
      squares[c] += x * x;
    }
  }
  const means = sums.map((s) => s / m.rows);
  // two-pass variance for the reference (more accurate than E[x²] − E[x]²)
  const dev = new Array(m.cols).fill(0);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) dev[c] += (m.data[r * m.cols + c] - means[c]) ** 2;
  return { sums, means, variances: dev.map((d) => d / m.rows) };
}

export function plainScores(m: Matrix, weights: number[][], bias: number[]): Float64Array {
  const out = new Float64Array(m.rows * weights.length);
  for (let r = 0; r < m.rows; r++) {
    for (let o = 0; o < weights.length; o++) {
      let s = bias[o];
      for (let c = 0; c < m.cols; c++) s += weights[o][c] * m.data[r * m.cols + c];
      out[r * weights.length + o] = s;
    }
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < actual.length; i++)
    max = Math.max(max, Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]));
  return max;
}

/** Standardize columns (x − mean) / std, as the data pipeline does before encryption. */
export function standardize(m: Matrix): Matrix {
  const { means, variances } = plainStats(m);
  const data = new Float64Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++)
      data[r * m.cols + c] = (m.data[r * m.cols + c] - means[c]) / Math.sqrt(variances[c]);
  }
  return { rows: m.rows, cols: m.cols, data };
}

/** The container's layout (version 2): where its offsets, digests and blobs are. */
function containerLayout(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tableStart = 14 + view.getUint32(10, true);
  const first = Number(view.getBigUint64(tableStart, true));
  const entries = (first - tableStart) / 40;
  const offsets = Array.from({ length: entries }, (_, i) => Number(view.getBigUint64(tableStart + 8 * i, true)));
  return { view, tableStart, entries, offsets, digestStart: tableStart + 8 * entries };
}

/**
 * Recomputes the SHA-256 table of an edited version-2 container: the file a buggy or lying writer would produce,
 * so that the checks behind the checksums can be tested.
 */
export function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const { entries, offsets, digestStart } = containerLayout(out);
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();
  out.set(sha(out.subarray(0, digestStart)), digestStart);
  for (let i = 0; i + 1 < entries; i++) out.set(sha(out.subarray(offsets[i], offsets[i + 1])), digestStart + 32 * (i + 1));
  return out;
}

/** The same container in format version 1 (no digest table), as files written before version 2 are. */
export function asVersion1(bytes: Uint8Array): Uint8Array {
  const { tableStart, entries, offsets, digestStart } = containerLayout(bytes);
  const shift = 32 * entries;
  const out = new Uint8Array(bytes.length - shift);
  out.set(bytes.subarray(0, digestStart));
  out.set(bytes.subarray(digestStart + shift), digestStart);
  const view = new DataView(out.buffer);
  view.setUint16(8, 1, true);
  offsets.forEach((offset, i) => view.setBigUint64(tableStart + 8 * i, BigInt(offset - shift), true));
  return out;
}

/**
 * The result version 1 (before pooling) wrote for these inputs: each input's entries in turn, its sums per input
 * (`dataset: d`). A one-input result is still written that way, so concatenating one-input results reproduces the
 * old multi-input file.
 */
export function versionOneResult(singles: readonly Uint8Array[]): Uint8Array {
  const opened = singles.map((bytes) => openFher(bytes));
  const header: FherHeader = {
    ...opened[0].header,
    rows: opened.reduce((sum, { header }) => sum + header.rows, 0),
    datasets: opened.map(({ header }) => header.datasets[0]),
    entries: opened.flatMap(({ header }, d) => header.entries.map((entry) => ({ ...entry, dataset: d }))),
    ciphertexts: opened.reduce((sum, { header }) => sum + header.ciphertexts, 0),
  };
  const blobs = opened.flatMap(({ container }) => Array.from({ length: container.count }, (_, i) => container.blob(i)));
  return buildContainer("result", header, blobs);
}
