import { zeroHash, type Hex } from "viem";
import { datasetIndexAbi } from "../../chain/abis.ts";
import { checkWrite, updateDataset, type ChainContext } from "../../chain/index.ts";
import type { LocalStore } from "../../storage/localStore.ts";
import type { ZeroGStore } from "../../storage/zeroGStore.ts";
import { DataError } from "../errors.ts";
import { ownedActiveDataset } from "./ownedActiveDataset.ts";
import { storeDataset, type StoreDatasetParameters, type StoredDataset } from "./storeDataset.ts";

export type PublishDatasetVersionParameters = Omit<StoreDatasetParameters, "schemaId" | "check"> & { datasetId: bigint };

export type PublishDatasetVersionReturnType = Omit<StoredDataset, "undo"> & { datasetId: bigint; version: number; transactionHash: Hex };

/**
 * A new version of one of the owner's datasets (same schema, same encryption): every check the contract would make
 * comes before the (possibly long) standardize → encrypt → store work; a failed update takes back local writes.
 *
 * @example
 * const { version } = await publishDatasetVersion(ctx, store, { datasetId: 1n, home: ".2pm", schemaFile, dataFile, histogram: true })
 */
export async function publishDatasetVersion(ctx: ChainContext, store: LocalStore | ZeroGStore, p: PublishDatasetVersionParameters): Promise<PublishDatasetVersionReturnType> {
  const current = await ownedActiveDataset(ctx, p.datasetId);
  if ((current.encryption === "ckks") !== Boolean(p.keyId || p.committeeId !== undefined))
    throw new DataError(`dataset ${p.datasetId} is ${current.encryption === "ckks" ? "CKKS-encrypted: pass --encrypt --key <keyId> (or --committee <id>)" : "not encrypted: drop --encrypt"}`);
  const stored = await storeDataset(ctx, store, {
    ...p,
    schemaId: current.schemaId,
    check: (c) => checkWrite(ctx, {
      address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "updateDataset",
      args: [p.datasetId, c.root, c.manifestRoot, BigInt(c.rows), c.keyId ?? zeroHash, `0g://${c.manifestRoot}`],
    }, `update dataset ${p.datasetId}`),
  });
  const { undo, ...rest } = stored;
  const { version, transactionHash } = await updateDataset(ctx, p.datasetId, {
    root: stored.root, manifestRoot: stored.manifestRoot, rows: BigInt(stored.rows), keyId: stored.keyId, uri: `0g://${stored.manifestRoot}`,
  }).catch(async (err) => { await undo(); throw err; });
  return { ...rest, datasetId: p.datasetId, version, transactionHash };
}
