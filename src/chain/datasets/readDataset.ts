import type { Address, Hex } from "viem";
import type { ChainContext } from "../client.ts";
import { ENCRYPTION } from "../constants.ts";
import { ChainError } from "../errors.ts";
import { readDatasetVersions } from "../events/readDatasetVersions.ts";
import type { DatasetEncryption } from "./registerDataset.ts";

export type DatasetRecord = {
  datasetId: bigint;
  owner: Address;
  schemaId: bigint;
  version: number;
  root: Hex;
  manifestRoot: Hex;
  rows: bigint;
  encryption: DatasetEncryption;
  keyId: Hex;
  uri: string;
  retired: boolean;
};

/** A dataset's current version, from its registration/update events (checked against the on-chain commitment). */
export async function readDataset(ctx: ChainContext, datasetId: bigint, options: { blockNumber?: bigint } = {}): Promise<DatasetRecord> {
  // At a past block (e.g. the version an FHE task committed to when it was created), state and events both end there.
  const at = options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber };
  let onChain;
  try {
    onChain = await ctx.contracts.datasetIndex.read.getDataset([datasetId], at);
  } catch {
    throw new ChainError(`dataset ${datasetId} does not exist on ${ctx.network.name}`);
  }
  const versions = await readDatasetVersions(ctx, { datasetId, toBlock: options.blockNumber });
  const latest = versions.at(-1);
  if (!latest) throw new ChainError(`dataset ${datasetId}: no registration event found`);
  const record: DatasetRecord = {
    datasetId,
    owner: onChain.owner,
    schemaId: BigInt(onChain.schemaId),
    version: onChain.version,
    root: latest.root,
    manifestRoot: latest.manifestRoot,
    rows: latest.rows,
    encryption: ENCRYPTION[onChain.encryption] === "CKKS" ? "ckks" : "none",
    keyId: latest.keyId,
    uri: latest.uri,
    retired: onChain.retired,
  };
  const committed = await ctx.contracts.datasetIndex.read.isCommitted([datasetId, record.root, record.manifestRoot, record.rows, record.keyId], at);
  if (!committed) throw new ChainError(`dataset ${datasetId}: its events do not match the on-chain commitment`);
  return record;
}
