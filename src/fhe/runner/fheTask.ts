// FHE tasks (kind 1) on TrainingTasks: the job spec stored as the task's modelRoot, the checks on the encrypted
// input datasets (same schema, same CKKS key, not retired) and the retrieval of their ciphertext files. Moved here
// from src/chain (it reads storage and .fhed headers); its chain reads stay in src/chain (readFheInputs, readTask).
import type { Address, Hex } from "viem";
import { z } from "zod/v4";
import type { ChainContext } from "../../chain/client.ts";
import { readDataset, type DatasetRecord } from "../../chain/datasets/readDataset.ts";
import { ChainError } from "../../chain/errors.ts";
import { readFheInputs } from "../../chain/events/readFheInputs.ts";
import type { FheInput } from "../../chain/tasks/createTask.ts";
import { readTask, type TaskView } from "../../chain/tasks/readTask.ts";
import { getJson } from "../../storage/json.ts";
import type { ContentStore } from "../../storage/types.ts";
import { readFhedHeader } from "../fhedHeader.ts";
import type { FhedHeader } from "../fhedHeader.ts";
import type { StatOp } from "../resultHeader.ts";
import { zodIssueLines } from "../../errors.ts";

export const FHE_JOB_FORMAT = "2pm-fhe-job/1";
export const FHE_RESULT_FORMAT = "2pm-fhe-result/1";

/** A problem with an FHE task's inputs, job or result. */
export class FheTaskError extends ChainError {
  override name = "FheTaskError";
}

const finite = z.number().refine(Number.isFinite, "must be finite");
export const fheJobSchema = z
  .object({
    format: z.literal(FHE_JOB_FORMAT),
    ops: z.array(z.enum(["sum", "mean", "variance", "scores"])).min(1),
    /** Plaintext linear model for "scores" (one weight per standardized column, or one row per class). */
    model: z
      .object({ weights: z.union([z.array(finite).min(1), z.array(z.array(finite).min(1)).min(1)]), bias: z.union([finite, z.array(finite).min(1)]) })
      .optional(),
    /** Digits after the decimal point kept when the key holder publishes the result (0–8). */
    decimals: z.number().int().min(0).max(8),
  })
  .refine((job) => !job.ops.includes("scores") || job.model !== undefined, { message: '"scores" needs a model', path: ["model"] });

/** What the compute node runs: stored as canonical JSON, its root is the task's modelRoot. */
export type FheJob = z.infer<typeof fheJobSchema>;

/**
 * Builds and validates a job spec.
 * @example const job = fheJob({ ops: ["mean", "variance"] })
 */
export function fheJob(p: { ops: readonly string[]; model?: unknown; decimals?: number }): FheJob {
  const parsed = fheJobSchema.safeParse({ format: FHE_JOB_FORMAT, ops: [...new Set(p.ops)], ...(p.model !== undefined && { model: p.model }), decimals: p.decimals ?? 6 });
  if (!parsed.success) {
    throw new FheTaskError(`invalid FHE job: ${zodIssueLines(parsed.error, { root: "job" })[0]}`, { details: z.prettifyError(parsed.error) });
  }
  return parsed.data;
}

/** Parses a plaintext linear model file's JSON ({ weights, bias }; an FL model with these fields fits too). */
export function parseLinearModel(value: unknown): NonNullable<FheJob["model"]> {
  const model = fheJobSchema.safeParse({ format: FHE_JOB_FORMAT, ops: ["scores"], model: pickModel(value), decimals: 0 });
  if (!model.success || !model.data.model) throw new FheTaskError("the model file must be JSON { \"weights\": number[] | number[][], \"bias\": number | number[] }");
  return model.data.model;
}

function pickModel(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  return { weights: v.weights, bias: v.bias };
}

export type ResolvedFheInputs = { inputs: FheInput[]; datasets: DatasetRecord[]; keyId: Hex; schemaId: number };

/**
 * Reads the datasets of an FHE task on chain and checks what TrainingTasks would check (CKKS, not retired, one
 * schema, one key), so a bad input is refused before any transaction, naming the dataset.
 * @example const { inputs, keyId, schemaId } = await resolveFheInputs(ctx, [1n, 2n])
 */
export async function resolveFheInputs(ctx: ChainContext, datasetIds: readonly bigint[]): Promise<ResolvedFheInputs> {
  if (datasetIds.length === 0) throw new FheTaskError("an FHE task needs at least one input dataset");
  if (new Set(datasetIds).size !== datasetIds.length) throw new FheTaskError("an input dataset is listed twice");
  const datasets: DatasetRecord[] = [];
  for (const id of datasetIds) datasets.push(await readDataset(ctx, id));
  const [first] = datasets;
  for (const d of datasets) {
    if (d.encryption !== "ckks") throw new FheTaskError(`dataset ${d.datasetId} is not CKKS-encrypted: register it with \`2pm data register --encrypt --key <keyId>\``);
    if (d.retired) throw new FheTaskError(`dataset ${d.datasetId} is retired`);
    if (d.schemaId !== first.schemaId)
      throw new FheTaskError(`dataset ${d.datasetId} has schema ${d.schemaId}, dataset ${first.datasetId} schema ${first.schemaId}: FHE inputs must share one schema`);
    if (d.keyId.toLowerCase() !== first.keyId.toLowerCase())
      throw new FheTaskError(`dataset ${d.datasetId} is encrypted under key ${d.keyId}, dataset ${first.datasetId} under ${first.keyId}: FHE inputs must share one key`);
  }
  return {
    datasets,
    inputs: datasets.map((d) => ({ datasetId: d.datasetId, root: d.root, manifestRoot: d.manifestRoot, rows: d.rows })),
    keyId: first.keyId,
    schemaId: Number(first.schemaId),
  };
}

export type FheTaskView = { task: TaskView; job: FheJob; keyId: Hex; datasets: DatasetRecord[] };

/**
 * An FHE task with its job spec (from the store) and its input datasets (from FheInputsSet).
 * @example const { job, keyId, datasets } = await readFheTask(ctx, store, 1n)
 */
export async function readFheTask(ctx: ChainContext, store: ContentStore, taskId: bigint): Promise<FheTaskView> {
  const task = await readTask(ctx, taskId);
  if (task.params.kind !== 1) throw new FheTaskError(`task ${taskId} is a federated task, not an FHE task`);
  const set = await readFheInputs(ctx, taskId);
  if (!set) throw new FheTaskError(`FHE task ${taskId} has no inputs on chain`);
  let job: FheJob;
  try {
    job = await getJson(store, task.params.modelRoot, fheJobSchema);
  } catch (err) {
    throw new FheTaskError(`cannot read the job spec ${task.params.modelRoot} of FHE task ${taskId}: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`, { cause: err });
  }
  const datasets: DatasetRecord[] = [];
  // The versions the task committed to at creation (the contract checked them then), not a later update's.
  for (const id of set.datasetIds) datasets.push(await readDataset(ctx, id, { blockNumber: set.blockNumber }));
  return { task, job, keyId: set.keyId, datasets };
}

export type FheCiphertext = { datasetId: bigint; owner: Address; bytes: Uint8Array; header: FhedHeader };

/**
 * Fetches each input's `.fhed` by its root (the store verifies the bytes against the root) and checks its header
 * against the chain: key, row count, and one column layout for all inputs.
 * @example const fhed = await fetchFheCiphertexts(store, datasets, keyId)
 */
export async function fetchFheCiphertexts(
  store: ContentStore,
  datasets: readonly DatasetRecord[],
  keyId: Hex,
  onEach?: (done: number, total: number) => void,
): Promise<FheCiphertext[]> {
  const out: FheCiphertext[] = [];
  for (const d of datasets) {
    let bytes: Uint8Array;
    try {
      bytes = await store.get(d.root);
    } catch (err) {
      throw new FheTaskError(`cannot fetch the ciphertexts of dataset ${d.datasetId} (${d.root}): ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`, { cause: err });
    }
    const header = await readFhedHeader(bytes);
    if (header.keyId !== keyId.toLowerCase()) throw new FheTaskError(`dataset ${d.datasetId}'s ciphertexts are under key ${header.keyId}, not the task's ${keyId}`);
    if (BigInt(header.rows) !== d.rows) throw new FheTaskError(`dataset ${d.datasetId}'s ciphertexts hold ${header.rows} rows, the chain says ${d.rows}`);
    if (out.length && out[0].header.columns.join("\u0000") !== header.columns.join("\u0000"))
      throw new FheTaskError(`dataset ${d.datasetId}'s columns differ from dataset ${out[0].datasetId}'s`);
    out.push({ datasetId: d.datasetId, owner: d.owner, bytes, header });
    onEach?.(out.length, datasets.length);
  }
  return out;
}

/** The published (rounded) result of an FHE task, stored as canonical JSON and finalized as round 1's root. */
export type FheResult = {
  format: typeof FHE_RESULT_FORMAT;
  taskId: string;
  keyId: Hex;
  resultRoot: Hex;
  columns: string[];
  rows: number;
  decimals: number;
  ops: StatOp[];
  sums?: number[];
  means?: number[];
  variances?: number[];
  /** rows × K linear scores (logits), rows in input order. */
  scores?: number[][];
};
