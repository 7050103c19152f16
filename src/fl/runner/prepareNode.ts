import type { Address, Hex } from "viem";
import type { ChainContext } from "../../chain/client.ts";
import { readDataset } from "../../chain/datasets/readDataset.ts";
import { readDpTerms } from "../../chain/tasks/dpTerms.ts";
import { readTask, type TaskView } from "../../chain/tasks/readTask.ts";
import { loadRows } from "../../data/loadRows.ts";
import { parseManifest, type Manifest } from "../../data/manifest.ts";
import { schemaHash, type Schema } from "../../data/schema.ts";
import { standardize, type StandardizedTable } from "../../data/standardize.ts";
import { standardizedCsv } from "../../data/standardizedCsv.ts";
import { validateRows } from "../../data/validateRows.ts";
import { merkleRoot } from "../../storage/merkleRoot.ts";
import type { ContentStore } from "../../storage/types.ts";
import { dpTermsMismatch } from "../dp/terms.ts";
import { FlError } from "../errors.ts";
import type { Table } from "../model.ts";
import type { ModelSpec } from "../modelSpec.ts";
import { loadChainSchema, loadTaskSpec } from "./chainView.ts";

export type PrepareNodeParameters = {
  store: ContentStore;
  taskId: bigint;
  datasetId: bigint;
  /** The node's local data file (CSV or JSON rows in the schema's raw form). */
  dataPath: string;
  /** The node operator's address (must own the dataset). */
  account: Address;
};

export type PreparedNode = {
  task: TaskView;
  spec: ModelSpec;
  schema: Schema;
  manifest: Manifest;
  /** The model's input: the spec's features selected from the standardized table, in spec order. */
  table: Table;
  standardized: StandardizedTable;
};

/** Selects the spec's feature columns (in spec order) from a standardized table. */
export function selectFeatures(spec: Pick<ModelSpec, "features" | "classes">, table: StandardizedTable): Table {
  const index = spec.features.map((f) => {
    const k = table.columns.indexOf(f);
    if (k < 0) throw new FlError(`The data has no standardized column '${f}' that the model spec needs.`);
    return k;
  });
  if (table.classes.join("\u0000") !== spec.classes.join("\u0000"))
    throw new FlError(`The data's classes [${table.classes.join(", ")}] differ from the model's [${spec.classes.join(", ")}].`);
  const { rows, cols, data } = table.features;
  const out = new Float64Array(rows * index.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < index.length; c++) out[r * index.length + c] = data[r * cols + index[c]];
  return { features: { rows, cols: index.length, data: out }, labels: table.labels };
}

/**
 * Everything a node checks before it stakes: the task is an open or running FL task, the dataset is the caller's,
 * registered under the task's schema and unencrypted, the local file validates against that schema, standardizes
 * with the dataset manifest's stats, and hashes to the dataset's registered content root. Sends nothing.
 *
 * @example
 * const { spec, table } = await prepareNode(ctx, { store, taskId: 1n, datasetId: 2n, dataPath: "biscoe.csv", account })
 */
export async function prepareNode(ctx: ChainContext, parameters: PrepareNodeParameters): Promise<PreparedNode> {
  const { store, taskId, datasetId, dataPath, account } = parameters;
  const task = await readTask(ctx, taskId);
  if (task.params.kind !== 0) throw new FlError(`Task ${taskId} is an FHE task: \`2pm node run\` runs federated (FL) tasks only.`);
  const dataset = await readDataset(ctx, datasetId);
  if (dataset.owner.toLowerCase() !== account.toLowerCase())
    throw new FlError(`Dataset ${datasetId} belongs to ${dataset.owner}, not to ${account}: pass your own dataset id.`);
  if (dataset.schemaId !== BigInt(task.params.schemaId))
    throw new FlError(`Dataset ${datasetId} uses schema ${dataset.schemaId} but task ${taskId} needs schema ${task.params.schemaId}.`);
  if (dataset.retired) throw new FlError(`Dataset ${datasetId} is retired: register an active dataset.`);
  if (dataset.encryption !== "none") throw new FlError(`Dataset ${datasetId} is encrypted: FL nodes train on plaintext data they hold.`);
  const schema = await loadChainSchema(ctx, store, dataset.schemaId);
  const manifest = parseManifest(JSON.parse(new TextDecoder().decode(await store.get(dataset.manifestRoot))));
  if (manifest.schemaHash !== schemaHash(schema)) throw new FlError(`The manifest of dataset ${datasetId} is for another schema.`);
  const spec = await loadTaskSpec(store, task.params.modelRoot);
  if (spec.schemaHash !== schemaHash(schema)) throw new FlError(`The model spec of task ${taskId} is for another schema.`);
  const dpMismatch = dpTermsMismatch(spec.dp, await readDpTerms(ctx, taskId));
  if (dpMismatch) throw new FlError(`Task ${taskId} cannot be trained as specified: ${dpMismatch}.`);

  const rows = await loadRows(dataPath);
  const valid = validateRows(rows, schema);
  const standardized = standardize(valid, schema, manifest.standardization);
  const root: Hex = merkleRoot(new TextEncoder().encode(standardizedCsv(standardized)));
  if (root !== manifest.contentRoot.toLowerCase())
    throw new FlError(`${dataPath} is not the data registered as dataset ${datasetId} (content root ${root} ≠ ${manifest.contentRoot}).`);
  return { task, spec, schema, manifest, table: selectFeatures(spec, standardized), standardized };
}
