import { zeroHash, type Hex } from "viem";
import { datasetIndexAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { receiptEvent } from "../receiptEvent.ts";
import { write } from "../write.ts";
import type { RegisterDatasetParameters } from "./registerDataset.ts";

export type UpdateDatasetParameters = Pick<RegisterDatasetParameters, "root" | "manifestRoot" | "rows" | "keyId" | "uri">;
export type UpdateDatasetReturnType = { version: number; transactionHash: Hex };

/**
 * Publishes a new version of an owned, active dataset (same schema and encryption; a CKKS dataset may move to a new
 * key). Returns the new version.
 * @example const { version } = await updateDataset(ctx, 1n, { root, manifestRoot, rows: 47n, uri: `0g://${manifestRoot}` })
 */
export async function updateDataset(ctx: ChainContext, datasetId: bigint, p: UpdateDatasetParameters): Promise<UpdateDatasetReturnType> {
  const receipt = await write(ctx, {
    address: ctx.deployments.datasetIndex.address,
    abi: datasetIndexAbi,
    functionName: "updateDataset",
    args: [datasetId, p.root, p.manifestRoot, p.rows, p.keyId ?? zeroHash, p.uri],
  }, `update dataset ${datasetId}`);
  return { version: receiptEvent(receipt, datasetIndexAbi, "DatasetUpdated").version, transactionHash: receipt.transactionHash };
}
