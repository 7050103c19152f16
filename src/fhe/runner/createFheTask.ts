// The task creator's step of the FHE task protocol: check the inputs, store the job spec, create the task.
import type { Hex } from "viem";
import { requireAccount, type ChainContext } from "../../chain/client.ts";
import { FheTaskError, fheJob, resolveFheInputs, type FheJob } from "./fheTask.ts";
import { createTask, type FheInput, type TaskParams } from "../../chain/index.ts";
import { parseManifest } from "../../data/manifest.ts";
import { getJson, putJson } from "../../storage/json.ts";
import type { ContentStore } from "../../storage/types.ts";

/** The part of TaskParams the creator chooses (budget, stake, deadlines, aggregator, resolver, reward constants). */
export type FheTaskTerms = Omit<TaskParams, "kind" | "schemaId" | "modelRoot" | "rounds" | "minNodes" | "maxNodes">;

export type CreateFheTaskParameters = {
  /** Registered CKKS-encrypted datasets of one schema under one key. */
  inputs: readonly bigint[];
  ops: readonly string[];
  /** Plaintext linear model for "scores" (one weight per standardized column). */
  model?: NonNullable<FheJob["model"]>;
  /** Digits kept when the result is published (0–8). */
  decimals: number;
  /** The terms, resolved once the inputs have passed their checks (so a bad input is reported first). */
  terms: () => Promise<FheTaskTerms>;
};

export type CreateFheTaskReturnType = {
  taskId: bigint; modelRoot: Hex; keyId: Hex; schemaId: number; inputs: FheInput[]; job: FheJob; transactionHash: Hex;
};

/** Weights per output of a job's model (one per standardized column). */
const modelWidth = (model: NonNullable<FheJob["model"]>): number =>
  Array.isArray(model.weights[0]) ? (model.weights[0] as number[]).length : model.weights.length;

/**
 * Checks the inputs as TrainingTasks would (CKKS, one schema, one key, not retired) and the model's width against
 * their manifest, stores the job spec and creates an FHE task (one round, one compute node), escrowing the budget.
 * Nothing is sent when a check fails.
 *
 * @example
 * const { taskId } = await createFheTask(ctx, store, { inputs: [1n], ops: ["mean"], decimals: 6, terms: () => terms })
 */
export async function createFheTask(ctx: ChainContext, store: ContentStore, p: CreateFheTaskParameters): Promise<CreateFheTaskReturnType> {
  if (p.model && !p.ops.includes("scores")) throw new FheTaskError("--model is only used with --ops scores");
  const job = fheJob({ ops: p.ops, model: p.model, decimals: p.decimals });
  requireAccount(ctx); // an account to create with, before any reads
  const { inputs, keyId, schemaId } = await resolveFheInputs(ctx, p.inputs);
  if (job.model) {
    // The standardized columns are in every input's manifest: refuse a model of the wrong width now, not at compute.
    const manifest = await getJson(store, inputs[0].manifestRoot).then(parseManifest).catch(() => undefined);
    if (manifest && modelWidth(job.model) !== manifest.columns.length)
      throw new FheTaskError(`the model has ${modelWidth(job.model)} weights per output but the inputs have ${manifest.columns.length} standardized columns (${manifest.columns.join(", ")})`);
  }
  const modelRoot = await putJson(store, job);
  const params: TaskParams = { kind: 1, schemaId, modelRoot, rounds: 1, minNodes: 1, maxNodes: 1, ...(await p.terms()) };
  const { taskId, transactionHash } = await createTask(ctx, params, { inputs, keyId });
  return { taskId, modelRoot, keyId, schemaId, inputs, job, transactionHash };
}
