// DatasetIndex events become dataset versions here, once: readDataset and the FL runner's capacity check read them.
import type { Address, Hex } from "viem";
import { datasetIndexAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { getEvents } from "../getEvents.ts";

/** One published version of a dataset (version 1 from DatasetRegistered, later ones from DatasetUpdated). */
export type DatasetVersion = {
  datasetId: bigint;
  version: number;
  root: Hex;
  manifestRoot: Hex;
  rows: bigint;
  keyId: Hex;
  uri: string;
  blockNumber: bigint;
};

export type ReadDatasetVersionsParameters = { datasetId: bigint; toBlock?: bigint };

/**
 * Every version of one dataset, oldest first (at `toBlock`, when given: what the dataset was then).
 * @example const latest = (await readDatasetVersions(ctx, { datasetId: 1n })).at(-1)
 */
export async function readDatasetVersions(ctx: ChainContext, p: ReadDatasetVersionsParameters): Promise<DatasetVersion[]> {
  const address = ctx.deployments.datasetIndex.address;
  const [registered, updated] = await Promise.all([
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRegistered", args: { datasetId: p.datasetId }, toBlock: p.toBlock }),
    getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetUpdated", args: { datasetId: p.datasetId }, toBlock: p.toBlock }),
  ]);
  return [
    ...registered.map((l) => ({ ...pickVersion(l.args), version: 1, blockNumber: l.blockNumber })),
    ...updated.map((l) => ({ ...pickVersion(l.args), version: l.args.version, blockNumber: l.blockNumber })),
  ];
}

const pickVersion = (a: { datasetId: bigint; root: Hex; manifestRoot: Hex; rows: bigint; keyId: Hex; uri: string }) =>
  ({ datasetId: a.datasetId, root: a.root, manifestRoot: a.manifestRoot, rows: a.rows, keyId: a.keyId, uri: a.uri });

export type SchemaDataset = { datasetId: bigint; owner: Address; rows: bigint };

/**
 * The active (not retired) datasets registered under a schema, with the rows of their current version (what the
 * indexer sees): DatasetRegistered by schema, the last DatasetUpdated, DatasetRetired.
 * @example const datasets = await readSchemaDatasets(ctx, 1n)
 */
export async function readSchemaDatasets(ctx: ChainContext, schemaId: bigint): Promise<SchemaDataset[]> {
  const address = ctx.deployments.datasetIndex.address;
  const registered = await getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRegistered", args: { schemaId } });
  if (!registered.length) return [];
  const byId = new Map(registered.map((l) => [l.args.datasetId, { datasetId: l.args.datasetId, owner: l.args.owner, rows: l.args.rows }]));
  // Neither event is indexed by schema: read them all and keep this schema's (logs come in chain order: last wins).
  for (const l of await getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetUpdated" })) {
    const dataset = byId.get(l.args.datasetId);
    if (dataset) dataset.rows = l.args.rows;
  }
  for (const l of await getEvents(ctx, { address, abi: datasetIndexAbi, eventName: "DatasetRetired" })) byId.delete(l.args.datasetId);
  return [...byId.values()];
}
