import type { Hex } from "viem";
import { datasetIndexAbi } from "../abis.ts";
import type { ChainContext } from "../client.ts";
import { write } from "../write.ts";

/** Retires an owned dataset for good: it can no longer join tasks or be an FHE input. */
export async function retireDataset(ctx: ChainContext, datasetId: bigint): Promise<{ transactionHash: Hex }> {
  const receipt = await write(ctx, { address: ctx.deployments.datasetIndex.address, abi: datasetIndexAbi, functionName: "retireDataset", args: [datasetId] }, `retire dataset ${datasetId}`);
  return { transactionHash: receipt.transactionHash };
}
