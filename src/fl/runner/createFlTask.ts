// The task creator's step of the federated protocol: check the spec against the schema and the registered data,
// store the spec, create the task.
import type { Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { createDpTask, createTask, type TaskParams } from "../../chain/index.ts";
import { assertDpSumFits } from "../capacity.ts";
import { nodeNoiseSigma } from "../dp/distributedDp.ts";
import { dpTermsOnChain } from "../dp/terms.ts";
import { paramCount } from "../model.ts";
import { featureFieldsOf, labelFieldOf, loadSchema, schemaHash, type Schema } from "../../data/schema.ts";
import { standardizedColumns } from "../../data/standardize.ts";
import { TwoPmError } from "../../errors.ts";
import type { ContentStore } from "../../storage/types.ts";
import { serializeModelSpec, type ModelSpec } from "../modelSpec.ts";
import { checkTaskCapacity } from "./capacity.ts";
import { loadChainSchema } from "./chainView.ts";

/** The part of TaskParams the creator chooses (budget, stake, deadlines, aggregator, resolver, reward constants). */
export type FlTaskTerms = Omit<TaskParams, "kind" | "schemaId" | "modelRoot" | "rounds" | "minNodes" | "maxNodes">;

export type CreateFlTaskParameters = {
  spec: ModelSpec;
  /** A schema id on DatasetIndex, or a schema JSON file (looked up on chain by its hash). */
  schema: number | string;
  rounds: number;
  minNodes: number;
  maxNodes: number;
  /** The terms, resolved once the spec has passed its checks. */
  terms: () => Promise<FlTaskTerms>;
};

export type CreateFlTaskReturnType = {
  taskId: bigint;
  modelRoot: Hex;
  transactionHash: Hex;
  schemaId: number;
  capacity: Awaited<ReturnType<typeof checkTaskCapacity>>;
};

/**
 * Checks a model spec against the task's schema (hash, label, classes in order, features among the standardized
 * columns) and its sample capacity against the registered datasets, stores the spec and creates a federated task,
 * escrowing the budget. Nothing is sent when a check fails.
 *
 * @example
 * const { taskId } = await createFlTask(ctx, store, { spec, schema: 1, rounds: 3, minNodes: 3, maxNodes: 3, terms })
 */
export async function createFlTask(ctx: ChainContext, store: ContentStore, p: CreateFlTaskParameters): Promise<CreateFlTaskReturnType> {
  if (p.minNodes > p.maxNodes) throw new TwoPmError(`--min-nodes ${p.minNodes} exceeds --max-nodes ${p.maxNodes}.`);
  const { spec } = p;
  const { schemaId, schema } = await resolveSchema(ctx, store, p.schema);
  const hash = schemaHash(schema);
  if (spec.schemaHash !== hash)
    throw new TwoPmError(`The spec's schemaHash ${spec.schemaHash} is not schema ${schemaId}'s (${hash}).`);
  const label = labelFieldOf(schema);
  if (!label || label.name !== spec.label) throw new TwoPmError(`The spec's label '${spec.label}' is not the schema's label field '${label?.name}'.`);
  if (label.categories.join("\u0000") !== spec.classes.join("\u0000"))
    throw new TwoPmError(`The spec's classes [${spec.classes.join(", ")}] must be the label categories [${label.categories.join(", ")}] in order.`);
  const columns = schemaColumns(schema);
  const unknown = spec.features.filter((f) => !columns.includes(f));
  if (unknown.length) throw new TwoPmError(`Features not among schema ${schemaId}'s standardized columns: ${unknown.join(", ")} (columns: ${columns.join(", ")}).`);
  const capacity = await checkTaskCapacity(ctx, { spec, schemaId: BigInt(schemaId), maxNodes: p.maxNodes });
  // DP: the noise shares (sized for minNodes) of up to maxNodes updates must fit the int32 sum too.
  if (spec.dp) assertDpSumFits(spec, { nodes: p.maxNodes, nodeSigma: nodeNoiseSigma(spec, paramCount(spec), p.minNodes) });
  const modelRoot = await store.put(serializeModelSpec(spec));
  const params: TaskParams = { kind: 0, schemaId, modelRoot, rounds: p.rounds, minNodes: p.minNodes, maxNodes: p.maxNodes, ...(await p.terms()) };
  // DP terms go on chain with the task, so ε can be computed from chain facts (src/fl/dp/terms.ts).
  const { taskId, transactionHash } = spec.dp ? await createDpTask(ctx, params, dpTermsOnChain(spec.dp)) : await createTask(ctx, params);
  return { taskId, modelRoot, transactionHash, schemaId, capacity };
}

/** The task's schema and its id: by id (fetched through its 0g:// registration URI) or from a file (by hash). */
async function resolveSchema(ctx: ChainContext, store: ContentStore, ref: number | string): Promise<{ schemaId: number; schema: Schema }> {
  if (typeof ref === "number") return { schemaId: ref, schema: await loadChainSchema(ctx, store, BigInt(ref)) };
  const schema = await loadSchema(ref);
  const hash = schemaHash(schema);
  const id = await ctx.contracts.datasetIndex.read.schemaIdOf([hash]);
  if (id === 0n) throw new TwoPmError(`Schema ${ref} (${hash}) is not registered on ${ctx.network.name}: run \`2pm schema register ${ref}\` first.`);
  return { schemaId: Number(id), schema };
}

/** The standardized column names of a schema (they depend on the schema only): numbers, then one-hot categories. */
function schemaColumns(schema: Schema): string[] {
  return standardizedColumns({
    fields: featureFieldsOf(schema).map((f) =>
      f.type === "number" ? { type: "number" as const, name: f.name, mean: 0, std: 1 } : { type: "category" as const, name: f.name, categories: [...f.categories], mode: f.categories[0] },
    ),
    label: null,
  });
}
