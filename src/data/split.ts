import { DataError } from "./errors.ts";

/**
 * Groups rows by the value of one field (e.g. penguins by "Island": one group per federated node), in order of
 * first appearance. Values are keyed as strings; a row without the field goes under "".
 *
 * @example
 * const byIsland = splitBy(rows, "Island") // Map { "Torgersen" => [...], "Biscoe" => [...], "Dream" => [...] }
 */
export function splitBy<R extends Record<string, unknown>>(rows: readonly R[], field: string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const value = row[field];
    const key = value === null || value === undefined ? "" : String(value);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(row);
  }
  return groups;
}

export type TrainTestSplitOptions = {
  /** Fraction of rows in the test part, in [0, 1]; the test size is round(n × testFraction). */
  testFraction: number;
  /** Integer seed: the same seed always gives the same split. */
  seed: number;
};

/**
 * Deterministic random split: a seeded shuffle (mulberry32 + Fisher–Yates) picks the test rows; both parts keep
 * the original row order.
 *
 * @example
 * const { train, test } = trainTestSplit(rows, { testFraction: 0.2, seed: 42 })
 */
export function trainTestSplit<R>(rows: readonly R[], options: TrainTestSplitOptions): { train: R[]; test: R[] } {
  const { testFraction, seed } = options;
  if (!(testFraction >= 0 && testFraction <= 1)) throw new DataError(`testFraction must be between 0 and 1, got ${testFraction}`);
  if (!Number.isSafeInteger(seed)) throw new DataError(`seed must be an integer, got ${seed}`);
  const n = rows.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const isTest = new Uint8Array(n);
  for (const i of order.slice(0, Math.round(n * testFraction))) isTest[i] = 1;
  const train: R[] = [];
  const test: R[] = [];
  rows.forEach((row, i) => (isTest[i] ? test : train).push(row));
  return { train, test };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
