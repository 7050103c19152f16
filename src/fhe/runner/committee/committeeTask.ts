// The rules of an FHE task under a committee, in one place: how contributors lay out their columns (x, then x²),
// what the compute node computes for a job (no relinearization key: variances from means of x²), which committee
// and keys a task is under, and how the published result is formed from the combined decryption.
import { zeroHash, type Address, type Hex } from "viem";
import type { ChainContext } from "../../../chain/client.ts";
import type { Matrix } from "../../../data/matrix.ts";
import type { ContentStore } from "../../../storage/types.ts";
import type { FheContext } from "../../createFheContext.ts";
import type { DecryptResultReturnType } from "../../decryptResult.ts";
import { readCommitteeKeys, varianceFromSquares, type CommitteeKeys } from "../../multiparty/index.ts";
import type { ComputeStatsOptions } from "../../computeStats.ts";
import type { StatOp } from "../../resultHeader.ts";
import { roundForPublication } from "../../roundForPublication.ts";
import { FheTaskError, readFheTask, type FheJob, type FheTaskView } from "../fheTask.ts";
import { committeeOfKey } from "../../../chain/committees/committeeOfKey.ts";
import { readCommittee, type CommitteeView } from "./committeeChain.ts";

/** The name of the column holding x² next to column x: contributors under a committee encrypt both. */
export const squareColumn = (column: string): string => `${column}^2`;

/**
 * The table a contributor encrypts under a committee: its columns, then one x² column per column (the compute node
 * cannot square without a relinearization key, and the task's variance is E[x²] − E[x]²).
 * @example withSquareColumns(features, ["bill", "flipper"]).columns // ["bill", "flipper", "bill^2", "flipper^2"]
 */
export function withSquareColumns(features: Matrix, columns: readonly string[]): { features: Matrix; columns: string[] } {
  const { rows, cols, data } = features;
  const out = new Float64Array(rows * cols * 2);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = data[r * cols + c];
      out[r * 2 * cols + c] = x;
      out[r * 2 * cols + cols + c] = x * x;
    }
  }
  return { features: { rows, cols: cols * 2, data: out }, columns: [...columns, ...columns.map(squareColumn)] };
}

/** The contributors' own columns of an encrypted table laid out by {@link withSquareColumns}; refuses another layout. */
export function baseColumns(columns: readonly string[]): string[] {
  const k = columns.length / 2;
  const base = columns.slice(0, k);
  if (!Number.isInteger(k) || k === 0 || columns.slice(k).some((c, i) => c !== squareColumn(base[i]))) {
    throw new FheTaskError(`the inputs' columns (${columns.join(", ")}) are not a committee layout (x…, then x^2…): register them with \`2pm data register --encrypt --committee <id>\``);
  }
  return base;
}

/**
 * What the compute node computes for `job` on committee inputs with `columns` (x…, x²…): "variance" becomes the
 * means (of x and x²); a model gets zero weights for the x² columns.
 */
export function committeeComputeOptions(job: FheJob, columns: readonly string[]): ComputeStatsOptions {
  const k = baseColumns(columns).length;
  const ops = new Set<StatOp>(job.ops.filter((op) => op !== "variance"));
  if (job.ops.includes("variance")) ops.add("mean");
  const pad = (w: readonly number[]) => [...w, ...new Array<number>(k).fill(0)];
  const model = job.model && {
    weights: Array.isArray(job.model.weights[0]) ? (job.model.weights as number[][]).map(pad) : pad(job.model.weights as number[]),
    bias: job.model.bias,
  };
  return { ops: [...ops], ...(model && { model }) };
}

export type CommitteePublishedValues = { columns: string[]; sums?: number[]; means?: number[]; variances?: number[]; scores?: number[][] };

/**
 * The values published for `job` from a combined decryption of a committee result: the contributors' columns only,
 * variances from the means of x and x², everything rounded to the job's decimals. Deterministic: anyone with the
 * posted shares re-derives the same numbers.
 */
export function committeePublishedValues(raw: DecryptResultReturnType, job: FheJob): CommitteePublishedValues {
  const base = baseColumns(raw.columns);
  const k = base.length;
  const round = (xs: ArrayLike<number>) => roundForPublication(xs, job.decimals);
  const out: CommitteePublishedValues = { columns: base };
  if (job.ops.includes("sum") && raw.sums) out.sums = round(raw.sums.slice(0, k));
  if (job.ops.includes("mean") && raw.means) out.means = round(raw.means.slice(0, k));
  if (job.ops.includes("variance")) {
    if (!raw.means) throw new FheTaskError("the committee result has no means: it cannot give variances");
    out.variances = round(varianceFromSquares(raw.means.slice(0, k), raw.means.slice(k, 2 * k)));
  }
  if (job.ops.includes("scores") && raw.scores) {
    const s = raw.scores;
    out.scores = Array.from({ length: s.rows }, (_, r) => round(s.data.subarray(r * s.cols, (r + 1) * s.cols)));
  }
  return out;
}

export type CommitteeTaskView = FheTaskView & { committee: CommitteeView };

/**
 * An FHE task with the committee holding its key; undefined for a single-key task.
 * @example const t = await readCommitteeTask(ctx, store, 1n); if (t) t.committee.members
 */
export async function readCommitteeTask(ctx: ChainContext, store: ContentStore, taskId: bigint, view?: FheTaskView): Promise<CommitteeTaskView | undefined> {
  const fheTask = view ?? (await readFheTask(ctx, store, taskId));
  const committeeId = await committeeOfKey(ctx, fheTask.keyId);
  if (committeeId === undefined) return undefined;
  return { ...fheTask, committee: await readCommittee(ctx, committeeId) };
}

/**
 * The committee keys file of an Active committee, fetched by its on-chain root and checked against its on-chain keyId.
 * @example const { bytes, keys } = await fetchCommitteeKeys(fheCtx, store, committee)
 */
export async function fetchCommitteeKeys(fheCtx: FheContext, store: ContentStore, committee: CommitteeView): Promise<{ bytes: Uint8Array; keys: CommitteeKeys }> {
  if (committee.keysRoot === zeroHash) throw new FheTaskError(`committee ${committee.committeeId} is ${committee.status}: it has no confirmed keys`);
  let bytes: Uint8Array;
  try {
    bytes = await store.get(committee.keysRoot.toLowerCase() as Hex);
  } catch (err) {
    throw new FheTaskError(`cannot fetch the keys of committee ${committee.committeeId} (${committee.keysRoot}): ${(err as Error).message}`, { cause: err });
  }
  const keys = readCommitteeKeys(fheCtx, bytes);
  if (keys.keyId !== committee.keyId.toLowerCase()) throw new FheTaskError(`the keys stored for committee ${committee.committeeId} are key ${keys.keyId}, the chain says ${committee.keyId}`);
  return { bytes, keys };
}

/** `a` equals `b` ignoring case (addresses). */
export const sameAddress = (a: Address | string, b: Address | string): boolean => a.toLowerCase() === b.toLowerCase();
